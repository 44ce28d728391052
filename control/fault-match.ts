/**
 * Which heal answered which injected fault: the first successful heal of the same container that
 * ended after the fault. One rule for the scorecard (control) and the timeline (dashboard). No I/O.
 */
import type { components } from './api.generated.js';

type Event = components['schemas']['Event'];

/** When an event counts: a heal when it ends (the container runs again), anything else when it happened. */
export const endOf = (e: Event): number => Date.parse(e.at) + (e.type === 'heal' ? (e.durationMs ?? 0) : 0);

export interface FaultMatch {
  /** Every successful heal, in order, with the faults it answered (none: no fault explains it). */
  heals: { heal: Event; faults: Event[] }[];
  /** Faults no heal has answered yet. */
  open: Event[];
}

export function matchFaults(events: readonly Event[]): FaultMatch {
  const ordered = events.filter((e) => e.container).sort((a, b) => endOf(a) - endOf(b) || Number(a.id) - Number(b.id));
  const waiting = new Map<string, Event[]>();
  const heals: FaultMatch['heals'] = [];
  for (const e of ordered) {
    const key = `${e.host}/${e.container ?? ''}`;
    if (e.type === 'fault') waiting.set(key, [...(waiting.get(key) ?? []), e]);
    else if (e.type === 'heal' && e.outcome === 'ok') {
      heals.push({ heal: e, faults: waiting.get(key) ?? [] });
      waiting.delete(key);
    }
  }
  return { heals, open: [...waiting.values()].flat() };
}
