/**
 * What applies to each container now: whether it is monitored and how it is healed, from the
 * API's word (the watch list), its `watchdog.*` labels and the host's defaults, in the order
 * policy.ts gives. Queries only: what is learnt of a container is told with see().
 */
import type { Silence } from '../../bus/messages.js';
import { holding } from '../../shared/silence-match.js';
import type { ContainerInfo } from '../ports.js';
import type { ContainerLabels } from './container-labels.js';
import { readApiProbe, type ProbeSpec } from './probe-labels.js';
import { effectivePolicy, healMode, isMonitored, type EffectivePolicy, type HealPolicy, type Policy } from './policy.js';
import type { WatchList } from './watch-list.js';

export interface HostPolicy {
  stopTimeoutSec: number;
  restartLimit: number;
  /** DRY_RUN: observe only, whatever the API says. */
  dryRun?: boolean;
  /** START_PERIOD_S in ms (0: none). */
  startPeriodMs?: number;
}

export class Policies {
  constructor(
    private readonly watchList: WatchList,
    private readonly labels: ContainerLabels,
    private readonly host: HostPolicy,
  ) {}

  /** What a listing, an inspect or an event showed of a container (its labels, its own StopTimeout). */
  see(container: ContainerInfo): void {
    this.labels.see(container);
  }

  /** Observe-only: DRY_RUN, or switched on through the API. */
  get dryRun(): boolean {
    return this.host.dryRun === true || this.watchList.dryRun;
  }

  /** Monitored by the API's word, else by its `watchdog.monitor` label. */
  isMonitored(name: string): boolean {
    return isMonitored(this.watchList.apiSaid(name), this.labels.get(name)?.monitor);
  }

  /** Every monitored name: those the API monitored and those labelled `watchdog.monitor=true` that the API did not unmonitor. */
  monitoredNames(): string[] {
    const names = new Set(this.watchList.snapshot.monitored);
    for (const name of this.labels.monitorLabelled()) if (this.watchList.apiSaid(name) !== false) names.add(name);
    return [...names];
  }

  /** What applies to a container now, each value with its source; and its labels' problems. */
  policyOf(name: string): { effective: EffectivePolicy; api: Policy; labelProblems: string[] } {
    const label = this.labels.get(name);
    const host = { threshold: this.watchList.threshold, stopTimeoutSec: this.host.stopTimeoutSec, restartLimit: this.host.restartLimit };
    const api = this.watchList.policyOf(name);
    return {
      effective: effectivePolicy(api, label?.policy ?? {}, label?.stopTimeoutSec, host),
      api: { ...api },
      labelProblems: label?.problems ?? [],
    };
  }

  /** Its start period (ms): its `watchdog.start-period` label, else the host's START_PERIOD_S. */
  startPeriodOf(name: string): number {
    return this.labels.get(name)?.startPeriodMs ?? this.host.startPeriodMs ?? 0;
  }

  /** The container's service probe (its `watchdog.probe` labels), if it has one. */
  probeOf(name: string): ProbeSpec | undefined {
    // One set through the API replaces the labels' (icmp: none).
    const api = this.watchList.policyOf(name)?.probe;
    if (api) return readApiProbe(api).probe;
    return this.labels.get(name)?.probe;
  }

  thresholdOf(name: string): number {
    return this.policyOf(name).effective.threshold.value;
  }

  /** The silence that holds the container's heals now (the one that ends first), if any; one with heal: true holds none. */
  silenceOf(name: string, now: number): Silence | undefined {
    return holding(this.watchList.silences, name, now).find((s) => !s.heal);
  }

  healPolicyOf(name: string, now: number): HealPolicy {
    const { effective } = this.policyOf(name);
    const silence = this.silenceOf(name, now);
    return {
      ...(silence ? { silence: { id: silence.id, until: silence.until, reason: silence.reason } } : {}),
      stopTimeoutSec: effective.stopTimeoutSec.value,
      restartLimit: effective.restartLimit.value,
      mode: healMode(effective.action.value, this.dryRun),
      onExhausted: effective.onExhausted?.value ?? 'backoff',
    };
  }
}
