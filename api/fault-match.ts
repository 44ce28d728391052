/**
 * Which heal answered which injected fault. A heal answers only a fault it explains: a stopped
 * container is answered by a start; a loss fault by a restart, or by any heal once an agent judged
 * the container lossy (a verdict event); the first such heal of the same container that ended
 * after the fault. A loss fault no agent judged lossy within JUDGE_MS is within its container's
 * policy (the loss is at or under its threshold): it needs no heal, and a heal of another fault
 * does not answer it. A heal of another fault that comes sooner ends the loss too (the container's
 * network namespace is new) before anyone could judge it: that fault was overtaken, neither healed
 * nor tolerated. One rule for the scorecard (control) and the timeline (dashboard). No I/O.
 */
import type { components } from './contract.generated.js';

type Event = components['schemas']['Event'];

/**
 * How long a fault may go unanswered and still be waiting for its heal; for a loss fault also how
 * long the agents have to judge it (their verdict at the threshold's edge takes tens of probes).
 */
export const JUDGE_MS = 60_000;

/** When an event counts: a heal when it ends (the container runs again), anything else when it happened. */
export const endOf = (e: Event): number => Date.parse(e.at) + (e.type === 'heal' ? (e.durationMs ?? 0) : 0);

export interface FaultMatch {
  /** Every successful heal, in order, with the faults it answered (none: no fault explains it). */
  heals: { heal: Event; faults: Event[] }[];
  /** Loss faults ended, before any agent judged them and sooner than JUDGE_MS, by the heal of another fault of the container. */
  overtaken: { fault: Event; by: Event }[];
  /** Faults no heal has answered (yet), and loss faults a heal of another fault ended after JUDGE_MS without a lossy verdict. */
  open: Event[];
  /** Ids of the loss faults whose container an agent judged lossy after the fault (a verdict event to lossy): they needed a heal. */
  judgedLossy: Set<string>;
}

export function matchFaults(events: readonly Event[]): FaultMatch {
  const ordered = events.filter((e) => e.container).sort((a, b) => endOf(a) - endOf(b) || Number(a.id) - Number(b.id));
  const waiting = new Map<string, Event[]>();
  const heals: FaultMatch['heals'] = [];
  const overtaken: FaultMatch['overtaken'] = [];
  const over: Event[] = [];
  const judgedLossy = new Set<string>();
  const explains = (heal: Event, fault: Event): boolean =>
    fault.fault === 'stop'
      ? heal.action === 'start'
      : fault.fault === 'loss'
        ? heal.action === 'restart' || judgedLossy.has(fault.id)
        : true;
  for (const e of ordered) {
    const key = `${e.host}/${e.container ?? ''}`;
    const faults = waiting.get(key) ?? [];
    if (e.type === 'fault') waiting.set(key, [...faults, e]);
    else if (e.type === 'verdict' && e.to === 'lossy') {
      for (const f of faults) if (f.fault === 'loss') judgedLossy.add(f.id);
    } else if (e.type === 'heal' && e.outcome === 'ok') {
      heals.push({ heal: e, faults: faults.filter((f) => explains(e, f)) });
      // The container ran again: a loss fault this heal did not answer went with its old network namespace.
      for (const f of faults.filter((f) => !explains(e, f) && f.fault === 'loss')) {
        if (endOf(e) - Date.parse(f.at) < JUDGE_MS) overtaken.push({ fault: f, by: e });
        else over.push(f);
      }
      waiting.set(
        key,
        faults.filter((f) => !explains(e, f) && f.fault !== 'loss'),
      );
    }
  }
  return { heals, overtaken, open: [...over, ...[...waiting.values()].flat()], judgedLossy };
}
