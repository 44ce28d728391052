/**
 * The chaos scorecard: every fault the antagonist injected, matched to the heal that answered it
 * (control/fault-match.ts: the first heal of that container that explains it and ended after it),
 * per host and kind of fault; loss faults no agent judged lossy are tolerated (within the policy),
 * or overtaken when a heal of another fault ended them before anyone could judge them; and the
 * restarts no fault explains. No I/O; events and `now` come from the caller.
 */
import type { components } from '../api/contract.generated.js';
import type { StoredEvent } from './event-log.js';
import { endOf, JUDGE_MS, matchFaults } from '../api/fault-match.js';

export type Scorecard = components['schemas']['Scorecard'];

/** A fault younger than this without a heal is still pending, not yet "never healed". */
export const PENDING_MS = JUDGE_MS;

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? 0;

export function scorecard(events: readonly StoredEvent[], since: number, now: number): Scorecard {
  const rows = new Map<string, Omit<Scorecard['rows'][number], 'timeToHealMs'> & { times: number[] }>();
  const rowOf = (fault: StoredEvent) => {
    const kind = fault.fault ?? 'unknown';
    const key = `${fault.host}\u0000${kind}`;
    let row = rows.get(key);
    if (!row)
      rows.set(
        key,
        (row = { host: fault.host, kind, faults: 0, healed: 0, tolerated: 0, overtaken: 0, neverHealed: 0, pending: 0, times: [] }),
      );
    return row;
  };
  const { heals, overtaken, open, judgedLossy } = matchFaults(events.filter((e) => Date.parse(e.at) >= since));
  const falseRestarts: Scorecard['falseRestarts'] = [];
  for (const { heal, faults } of heals) {
    if (faults.length === 0)
      falseRestarts.push({ host: heal.host, container: heal.container ?? '', at: heal.at, reason: heal.reason ?? '' });
    for (const fault of faults) {
      const row = rowOf(fault);
      row.faults += 1;
      row.healed += 1;
      row.times.push(endOf(heal) - Date.parse(fault.at));
    }
  }
  for (const { fault } of overtaken) {
    const row = rowOf(fault);
    row.faults += 1;
    row.overtaken += 1;
  }
  for (const fault of open) {
    const row = rowOf(fault);
    row.faults += 1;
    if (now - Date.parse(fault.at) < PENDING_MS) row.pending += 1;
    else if (fault.fault === 'loss' && !judgedLossy.has(fault.id))
      row.tolerated += 1; // no agent judged it over its threshold
    else row.neverHealed += 1;
  }
  return {
    since: new Date(since).toISOString(),
    until: new Date(now).toISOString(),
    rows: [...rows.values()]
      .sort((a, b) => a.host.localeCompare(b.host) || a.kind.localeCompare(b.kind))
      .map(({ times, ...row }) => {
        const sorted = [...times].sort((a, b) => a - b);
        return {
          ...row,
          ...(sorted.length > 0
            ? { timeToHealMs: { median: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted.at(-1) ?? 0 } }
            : {}),
        };
      }),
    falseRestarts,
  };
}
