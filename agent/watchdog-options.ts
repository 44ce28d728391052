/** What a watchdog is made of (its deps: the ports and adapters) and how it behaves (its options); what a cycle reports. */
import type { Clock } from '../shared/clock.js';
import type { RestartPolicy } from './healing/restart-guard.js';
import type { PathRule } from './judging/host-path.js';
import type { LossTestSettings } from './judging/loss-test.js';
import type { ContainerRuntime, InventoryView, Log, Prober, StateStore, StatsSource } from './ports.js';
import type { LoopProber, ProbeSink } from './probing/loop-prober.js';

export interface WatchdogOptions {
  checkIntervalMs: number;
  pingCount: number;
  /** At most this many containers are inspected at once (the ping prober has the same bound). */
  concurrency: number;
  /** Grace period for a restart's stop; a lossy container is alive, so it is kept short. */
  stopTimeoutSec: number;
  /** The host's start period (START_PERIOD_S); a container's `watchdog.start-period` wins. */
  startPeriodSec?: number;
  restartPolicy: RestartPolicy;
  /** Restarts in flight at once on this host (RESTART_CONCURRENCY); the rest wait their turn, oldest first. Starts never wait. */
  restartConcurrency?: number;
  /** A container of the host's that shares the monitored ones' path and is never faulty itself (PATH_CANARY); probed, never healed. */
  pathCanary?: string;
  /** When the host's path counts as broken (host-path.ts). */
  pathRule?: PathRule;
  /** Loss restarts allowed on the host within restartPolicy.windowMs before they pause (HOST_RESTART_LIMIT); unset: no host budget. */
  hostRestartLimit?: number;
  /**
   * With an inventory: every this often a cycle lists the host afresh and inspects every monitored
   * container (a resync that corrects any missed event); the cycles between take them from the
   * inventory. 0: every cycle inspects every monitored container.
   */
  resyncMs?: number;
  /** DRY_RUN: observe only, whatever the API says. */
  dryRun?: boolean;
}

export interface WatchdogDeps {
  runtime: ContainerRuntime;
  prober: Prober;
  store: StateStore;
  clock: Clock;
  log: Log;
  /** Where CPU, memory and network counters come from; without it, none are measured. */
  stats?: StatsSource;
  /**
   * The event-fed inventory: the cycle and the verdicts take containers from it instead of one
   * inspect each. Without it, every cycle inspects every monitored container.
   */
  inventory?: InventoryView;
  /**
   * The sequential verdict: probing never stops, and a verdict comes when the evidence is enough,
   * not when the cycle comes. Without it, the classic verdict: PING_COUNT pings per cycle.
   */
  continuous?: {
    settings: Omit<LossTestSettings, 'threshold'>;
    prober: (sink: ProbeSink) => LoopProber;
  };
}

export interface CycleReport {
  checked: number;
  probed: number;
  durationMs: number;
  overran: boolean;
}
