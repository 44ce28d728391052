/**
 * The silences (maintenance windows) control keeps: made from POST /silences, kept as `silence`
 * events on the events stream (created, removed) and rebuilt from them when control starts, so
 * they outlive control; each ends on its own at `until`. Which ones a host holds, the digest its
 * heartbeat should name, and whether a notification is held. No I/O.
 */
import type { components } from '../api/contract.generated.js';
import { silencesDigest } from '../bus/silences.js';
import { coversHost, hostSilencesOf, inForce, silencesOf } from '../shared/silence-match.js';
import { ApiError } from './api-error.js';
import type { StoredEvent } from './event-log.js';

export type Silence = components['schemas']['Silence'];
/** heal and notify have defaults (false): a request may leave them out. */
export type SilenceRequest = Omit<components['schemas']['SilenceRequest'], 'heal' | 'notify'> & { heal?: boolean; notify?: boolean };

/** In force at once, at most (each agent holds the list; a command carries it whole). */
export const MAX_SILENCES = 100;

export class SilenceBook {
  private readonly byId = new Map<string, Silence>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** A `silence` event of the stream (control's own record): made or removed. Applying one twice changes nothing. */
  apply(event: StoredEvent): void {
    if (event.type !== 'silence' || !event.silence) return;
    if (event.to === 'created') this.add(event.silence);
    else if (event.to === 'removed') this.remove(event.silence.id);
  }

  /** Ended ones are let go here (each add is when the book could grow), so queries change nothing. */
  add(silence: Silence): void {
    const now = this.clock();
    for (const [id, held] of this.byId) if (!inForce(held, now)) this.byId.delete(id);
    this.byId.set(silence.id, silence);
  }

  remove(id: string): void {
    this.byId.delete(id);
  }

  /** Every silence in force, soonest to end first. */
  inForce(now: number): Silence[] {
    return [...this.byId.values()]
      .filter((s) => inForce(s, now))
      .sort((a, b) => Date.parse(a.until) - Date.parse(b.until) || a.id.localeCompare(b.id));
  }

  get(id: string, now: number): Silence | undefined {
    const silence = this.byId.get(id);
    return silence && inForce(silence, now) ? silence : undefined;
  }

  /** The digest of what the host should hold: its heartbeat names its own, and a host that differs is sent the list again. */
  digestFor(host: string, now: number): string {
    return silencesDigest(
      this.inForce(now).filter((s) => coversHost(s, host)),
      now,
    );
  }

  /** A notification about this container of this host (or the host itself: no container) is held, unless every silence that holds it says notify. */
  holdsNotification(host: string, container: string | undefined, now: number): boolean {
    const silences = [...this.byId.values()];
    const holding = container === undefined ? hostSilencesOf(silences, host, now) : silencesOf(silences, host, container, now);
    return holding.some((s) => !s.notify);
  }
}

/**
 * A new silence from a request, or a 400 naming what is wrong: `until` in the future and at most
 * `maxAheadMs` ahead (the stream keeps the silence's record that long), and a 409 when
 * MAX_SILENCES are in force.
 */
export function newSilence(
  request: SilenceRequest,
  context: { id: string; by: string; now: number; maxAheadMs: number; maxAhead: string; inForce: number },
): Silence {
  const until = Date.parse(request.until);
  if (Number.isNaN(until)) throw new ApiError(400, 'invalid_request', 'until: must be a date-time such as 2026-12-07T22:00:00Z');
  if (until <= context.now) throw new ApiError(400, 'invalid_request', 'until: must be in the future');
  if (until > context.now + context.maxAheadMs)
    throw new ApiError(
      400,
      'invalid_request',
      `until: must be at most ${context.maxAhead} ahead (EVENTS_MAX_AGE: control keeps silences on the events stream that long)`,
    );
  if (context.inForce >= MAX_SILENCES)
    throw new ApiError(409, 'too_many_silences', `${MAX_SILENCES} silences are in force already: end one (DELETE /silences/{id}) first`);
  return {
    id: context.id,
    ...(request.hosts ? { hosts: [...request.hosts] } : {}),
    containers: request.containers,
    until: new Date(until).toISOString(),
    reason: request.reason,
    heal: request.heal === true,
    notify: request.notify === true,
    by: context.by,
    createdAt: new Date(context.now).toISOString(),
  };
}
