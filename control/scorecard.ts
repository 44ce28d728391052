/**
 * The chaos scorecard: every fault the antagonist injected, matched to the heal that answered it
 * (the first successful heal of that container that ended after the fault), per host and kind of fault;
 * and the restarts no fault explains. No I/O; events and `now` come from the caller.
 */
import type { components } from './api.generated.js';
import type { StoredEvent } from './event-log.js';

export type Scorecard = components['schemas']['Scorecard'];

/** A fault younger than this without a heal is still pending, not yet "never healed". */
export const PENDING_MS = 60_000;

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

export function scorecard(events: readonly StoredEvent[], since: number, now: number): Scorecard {
  // A heal counts when it ends (the container runs again): one under way when a fault strikes answers it.
  const timeOf = (e: StoredEvent): number => Date.parse(e.at) + (e.type === 'heal' ? (e.durationMs ?? 0) : 0);
  const inOrder = [...events].sort((a, b) => timeOf(a) - timeOf(b) || Number(a.id) - Number(b.id));
  /** Faults per container not yet answered by a heal. */
  const open = new Map<string, { kind: string; host: string; at: number }[]>();
  const rows = new Map<string, { host: string; kind: string; faults: number; healed: number; neverHealed: number; pending: number; times: number[] }>();
  const falseRestarts: Scorecard['falseRestarts'] = [];
  const rowOf = (host: string, kind: string) => {
    const key = `${host}\u0000${kind}`;
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { host, kind, faults: 0, healed: 0, neverHealed: 0, pending: 0, times: [] }));
    return row;
  };
  for (const event of inOrder) {
    const at = timeOf(event);
    if (Date.parse(event.at) < since || !event.container) continue;
    const key = `${event.host}/${event.container}`;
    if (event.type === 'fault') {
      rowOf(event.host, event.fault ?? 'unknown').faults += 1;
      open.set(key, [...(open.get(key) ?? []), { kind: event.fault ?? 'unknown', host: event.host, at }]);
    } else if (event.type === 'heal' && event.outcome === 'ok') {
      const answered = open.get(key) ?? [];
      open.delete(key);
      if (answered.length === 0) falseRestarts.push({ host: event.host, container: event.container, at: event.at, reason: event.reason ?? '' });
      for (const fault of answered) {
        const row = rowOf(fault.host, fault.kind);
        row.healed += 1;
        row.times.push(at - fault.at);
      }
    }
  }
  for (const faults of open.values()) {
    for (const fault of faults) {
      if (now - fault.at < PENDING_MS) rowOf(fault.host, fault.kind).pending += 1;
      else rowOf(fault.host, fault.kind).neverHealed += 1;
    }
  }
  return {
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    rows: [...rows.values()]
      .sort((a, b) => a.host.localeCompare(b.host) || a.kind.localeCompare(b.kind))
      .map(({ times, ...row }) => {
        const sorted = [...times].sort((a, b) => a - b);
        return { ...row, ...(sorted.length > 0 ? { timeToHealMs: { median: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 } } : {}) };
      }),
    falseRestarts,
  };
}
