/**
 * The latest result per monitored container, as kubelet's prober keeps one: what the last probe
 * measured, the resource use between the last two samples, and the heals. The check loop and the
 * healer write it; list_response and /metrics read it. No I/O; times come from the caller.
 */
import type { ProbeResult, ResourceSample } from './ports.js';
import { RecoveryWatch, type Recovery } from './recovery-watch.js';

export interface HealRecord {
  name: string;
  action: 'start' | 'restart';
  /** What set it off: check, event: die, event: unhealthy, reconcile: ..., recheck: ... */
  trigger: string;
  reason: string;
  /** notified, dry-run: not done, only told (the container's policy says notify, or the host observes only). */
  outcome: 'ok' | 'already-running' | 'failed' | 'backoff' | 'notified' | 'dry-run' | 'gave-up' | 'silenced';
  /** silenced: the silence that held it. */
  silence?: { id: string; until: string };
  /** gave-up: what the policy said (stop it, or leave it and notify). */
  gaveUp?: 'stop' | 'notify';
  at: number;
  durationMs: number;
}

export interface VerdictChange {
  name: string;
  from: string;
  to: string;
  reason: string;
  at: number;
}

export interface VerdictDetail {
  rule: 'sequential' | 'silence';
  lossLowPercent: number;
  lossHighPercent: number;
  probes: number;
  decidedInMs: number;
}

export interface ContainerResult {
  checkedAt?: number;
  verdict?: string;
  lossPercent?: number;
  rttMs?: number;
  rttMinMs?: number;
  rttMaxMs?: number;
  sampledAt?: number;
  /** Share of one core over the last sampling interval, in percent (200 = two cores busy). */
  cpuPercent?: number;
  cpuNs?: number;
  memoryBytes?: number;
  rxBytes?: number;
  txBytes?: number;
  /** How sure the last sequential verdict was. */
  verdictDetail?: VerdictDetail;
  /** Its service probe's last result (watchdog.probe), when it has one. */
  serviceProbe?: { probe: string; ok: boolean; detail: string; at: number };
  /** Restarts and starts by the watchdog in the last 24 h. */
  restarts: number;
  lastHeal?: {
    at: number;
    action: HealRecord['action'];
    reason: string;
    outcome: Exclude<HealRecord['outcome'], 'backoff' | 'gave-up' | 'silenced'>;
  };
}

const DAY_MS = 24 * 3600 * 1000;

interface Entry {
  /** Its `restarts` is brought up to date as it is read. */
  result: ContainerResult;
  healedAt: number[];
}

/** CPU use between two samples of one instance as a percentage of one core; null across a restart (the counter starts over). */
export function cpuPercent(previous: { at: number; cpuNs: number } | undefined, next: { at: number; cpuNs: number }): number | null {
  if (!previous || next.at <= previous.at || next.cpuNs < previous.cpuNs) return null;
  return Number((((next.cpuNs - previous.cpuNs) / 1e6 / (next.at - previous.at)) * 100).toFixed(2));
}

export class ContainerResults {
  private readonly entries = new Map<string, Entry>();
  private readonly healListeners: ((record: HealRecord) => void)[] = [];
  private readonly verdictListeners: ((change: VerdictChange) => void)[] = [];
  private readonly recoveryListeners: ((recovery: Recovery) => void)[] = [];
  private readonly recovery = new RecoveryWatch();

  /** Told once when a container that was down, lossy or unhealthy has been fine for RECOVERED_AFTER checks in a row. */
  onRecovered(listener: (recovery: Recovery) => void): void {
    this.recoveryListeners.push(listener);
  }

  onHeal(listener: (record: HealRecord) => void): void {
    this.healListeners.push(listener);
  }

  /** Told when a container's probe verdict changes (ok to lossy and back), not of its first. */
  onVerdictChange(listener: (change: VerdictChange) => void): void {
    this.verdictListeners.push(listener);
  }

  recordProbe(name: string, probe: ProbeResult, verdict: string, at: number, reason = ''): void {
    const { result } = this.entry(name);
    const from = result.verdict;
    if (from !== undefined && from !== verdict)
      for (const listener of this.verdictListeners) listener({ name, from, to: verdict, reason, at });
    const recovered = this.recovery.checked(name, verdict, at);
    if (recovered) for (const listener of this.recoveryListeners) listener(recovered);
    // No reply: no round-trip time, not the old one.
    Object.assign(result, {
      checkedAt: at,
      verdict,
      lossPercent: probe.lossPercent,
      rttMs: probe.rttMs ?? undefined,
      rttMinMs: probe.rttMinMs ?? undefined,
      rttMaxMs: probe.rttMaxMs ?? undefined,
    });
  }

  recordServiceProbe(name: string, probe: string, ok: boolean, detail: string, at: number): void {
    this.entry(name).result.serviceProbe = { probe, ok, detail, at };
  }

  recordVerdictDetail(name: string, detail: VerdictDetail): void {
    this.entry(name).result.verdictDetail = detail;
  }

  recordSample(name: string, sample: ResourceSample, at: number): void {
    const { result } = this.entry(name);
    const previous =
      result.sampledAt === undefined || result.cpuNs === undefined ? undefined : { at: result.sampledAt, cpuNs: result.cpuNs };
    Object.assign(result, {
      cpuPercent: cpuPercent(previous, { at, cpuNs: sample.cpuNs }) ?? undefined,
      sampledAt: at,
      cpuNs: sample.cpuNs,
      memoryBytes: sample.memoryBytes,
      rxBytes: sample.rxBytes,
      txBytes: sample.txBytes,
    });
  }

  recordHeal(record: HealRecord): void {
    const entry = this.entry(record.name);
    if (record.outcome !== 'backoff' && record.outcome !== 'gave-up' && record.outcome !== 'silenced')
      entry.result.lastHeal = { at: record.at, action: record.action, reason: record.reason, outcome: record.outcome };
    if (record.outcome === 'ok') entry.result.restarts = entry.healedAt.push(record.at);
    if (record.action === 'start') this.recovery.trouble(record.name, 'down', record.at);
    for (const listener of this.healListeners) listener(record);
  }

  /** The latest result; undefined for a container never checked, sampled or healed. */
  get(name: string, now: number): Readonly<ContainerResult> | undefined {
    const entry = this.entries.get(name);
    if (!entry) return undefined;
    const oldest = entry.healedAt[0];
    if (oldest !== undefined && oldest <= now - DAY_MS) {
      entry.healedAt = entry.healedAt.filter((at) => at > now - DAY_MS);
      entry.result.restarts = entry.healedAt.length;
    }
    return entry.result;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  forget(name: string): void {
    this.entries.delete(name);
    this.recovery.forget(name);
  }

  private entry(name: string): Entry {
    let entry = this.entries.get(name);
    if (!entry) {
      entry = { result: emptyResult(), healedAt: [] };
      this.entries.set(name, entry);
    }
    return entry;
  }
}

/**
 * Every field present from the start (undefined until measured) and never deleted: objects of one
 * shape stay fast to read and to copy. With fields added and deleted as they came and went, the
 * results fell into V8's slow dictionary mode; with a copy made for each reader, reading them was
 * a third of building a list of 100 containers (profile of the host simulator).
 */
function emptyResult(): ContainerResult {
  return {
    checkedAt: undefined,
    verdict: undefined,
    lossPercent: undefined,
    rttMs: undefined,
    rttMinMs: undefined,
    rttMaxMs: undefined,
    sampledAt: undefined,
    cpuPercent: undefined,
    cpuNs: undefined,
    memoryBytes: undefined,
    rxBytes: undefined,
    txBytes: undefined,
    verdictDetail: undefined,
    serviceProbe: undefined,
    lastHeal: undefined,
    restarts: 0,
  };
}
