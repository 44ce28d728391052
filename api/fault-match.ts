/**
 * Which heal answered which injected fault. A heal answers only a fault it explains: a stopped
 * container is answered by a start; a loss fault by a restart, or by any heal once an agent judged
 * the container lossy (a verdict event); the first such heal of the same container that ended
 * after the fault. A loss fault no agent judged lossy is within its container's policy (the loss
 * is at or under its threshold): it needs no heal, and a heal of another fault does not answer it
 * (that heal ends it, though: the container's network namespace is new). One rule for the scorecard (control) and the timeline
 * (dashboard). No I/O.
 */
import type { components } from './contract.generated.js';

type Event = components['schemas']['Event'];

/** When an event counts: a heal when it ends (the container runs again), anything else when it happened. */
export const endOf = (e: Event): number => Date.parse(e.at) + (e.type === 'heal' ? (e.durationMs ?? 0) : 0);

export interface FaultMatch {
  /** Every successful heal, in order, with the faults it answered (none: no fault explains it). */
  heals: { heal: Event; faults: Event[] }[];
  /** Faults no heal has answered (yet). */
  open: Event[];
  /** Ids of the loss faults whose container an agent judged lossy after the fault (a verdict event to lossy): they needed a heal. */
  judgedLossy: Set<string>;
}

export function matchFaults(events: readonly Event[]): FaultMatch {
  const ordered = events.filter((e) => e.container).sort((a, b) => endOf(a) - endOf(b) || Number(a.id) - Number(b.id));
  const waiting = new Map<string, Event[]>();
  const heals: FaultMatch['heals'] = [];
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
      over.push(...faults.filter((f) => !explains(e, f) && f.fault === 'loss'));
      waiting.set(
        key,
        faults.filter((f) => !explains(e, f) && f.fault !== 'loss'),
      );
    }
  }
  return { heals, open: [...over, ...[...waiting.values()].flat()], judgedLossy };
}
