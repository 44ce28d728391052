/**
 * The events of the stream as control holds them: in stream order, each with its stream offset as
 * id, queried newest first with filters and a cursor, and pushed to live subscribers. Fed by the
 * bus adapter; no I/O. Events older than the stream's max age, or beyond the memory limit (the
 * bytes of the events as they came off the bus, not their count: one large event weighs what it
 * is), are let go, oldest first (the stream trims the same ones by age).
 */
import type { Event } from '../bus/messages.js';
import type { components, operations } from '../api/contract.generated.js';

export type StoredEvent = components['schemas']['Event'];
export type EventQuery = Omit<NonNullable<operations['listEvents']['parameters']['query']>, 'limit'> & { limit?: number };
export type EventFilter = Pick<EventQuery, 'host' | 'container' | 'type'>;
export type EventPage = components['schemas']['EventPage'];

export const DEFAULT_LIMIT = 100;
/** A page holds at most this many bytes of events (as encoded on the bus), however large its limit: at least one event. */
export const PAGE_BYTES = 1024 * 1024;

export function toStored(id: number, event: Event): StoredEvent {
  const { kind: _kind, ...rest } = event;
  // The stream's offset is the only id: a sender's own `id` field never replaces it.
  return { ...rest, id: String(id) };
}

export function matches(event: StoredEvent, filter: EventFilter): boolean {
  return (
    (filter.host === undefined || event.host === filter.host) &&
    (filter.container === undefined || event.container === filter.container) &&
    (filter.type === undefined || filter.type.split(',').includes(event.type))
  );
}

export class EventLog {
  /** Oldest first, by stream offset. */
  private events: { offset: number; at: number; bytes: number; event: StoredEvent }[] = [];
  private heldBytes = 0;
  private readonly subscribers = new Set<{ filter: EventFilter; push: (event: StoredEvent) => void }>();
  private lastOffset = -1;

  constructor(
    private readonly maxAgeMs: number,
    /** Bytes of events (as encoded on the bus) held at most. */
    private readonly memoryBytes: number,
  ) {}

  /** The offset to resume the stream from after a reconnect; null before the first event. */
  get nextOffset(): number | null {
    return this.lastOffset < 0 ? null : this.lastOffset + 1;
  }

  get size(): number {
    return this.events.length;
  }

  /** Bytes of the events held (as encoded on the bus). */
  get bytes(): number {
    return this.heldBytes;
  }

  /** `bytes`: the event's encoded size as it came off the bus. */
  append(offset: number, event: Event, now: number, bytes: number): void {
    if (offset <= this.lastOffset) return; // redelivered after a reconnect
    this.lastOffset = offset;
    const stored = toStored(offset, event);
    this.events.push({ offset, at: Date.parse(event.at), bytes, event: stored });
    this.heldBytes += bytes;
    if (this.heldBytes > this.memoryBytes * 1.1) this.letGo((e, kept) => kept + e.bytes <= this.memoryBytes);
    if ((this.events[0]?.at ?? now) < now - this.maxAgeMs * 1.1) {
      this.events = this.events.filter((e) => e.at >= now - this.maxAgeMs);
      this.heldBytes = this.events.reduce((sum, e) => sum + e.bytes, 0);
    }
    for (const subscriber of this.subscribers) if (matches(stored, subscriber.filter)) subscriber.push(stored);
  }

  /** Keeps the newest events while `keep(event, bytes kept so far)` holds; lets go of the older ones. */
  private letGo(keep: (event: { bytes: number }, kept: number) => boolean): void {
    let kept = 0;
    let first = this.events.length;
    while (first > 0) {
      const e = this.events[first - 1];
      if (!e || !keep(e, kept)) break;
      kept += e.bytes;
      first--;
    }
    this.events = this.events.slice(first);
    this.heldBytes = kept;
  }

  /** Newest first (by stream order), filtered; `before` is the id of the last event of the previous page. */
  query(query: EventQuery): EventPage {
    const limit = query.limit ?? DEFAULT_LIMIT;
    const since = query.since === undefined ? -Infinity : Date.parse(query.since);
    const until = query.until === undefined ? Infinity : Date.parse(query.until);
    const before = query.before === undefined ? Infinity : Number(query.before);
    const page: StoredEvent[] = [];
    let bytes = 0;
    let more = false;
    for (let i = this.events.length - 1; i >= 0; i--) {
      const e = this.events[i];
      if (!e || e.offset >= before) continue;
      if (e.at < since || e.at > until || !matches(e.event, query)) continue;
      if (page.length === limit || (page.length > 0 && bytes + e.bytes > PAGE_BYTES)) {
        more = true;
        break;
      }
      page.push(e.event);
      bytes += e.bytes;
    }
    const last = page.at(-1);
    return { events: page, ...(more && last ? { next: last.id } : {}) };
  }

  /** Every event at or after `since` that matches the filter, in stream order. */
  all(filter: EventFilter, since: number): StoredEvent[] {
    return this.events.filter((e) => e.at >= since && matches(e.event, filter)).map((e) => e.event);
  }

  /** Pushes every new event that matches the filter until the returned function is called. */
  subscribe(filter: EventFilter, push: (event: StoredEvent) => void): () => void {
    const subscriber = { filter, push };
    this.subscribers.add(subscriber);
    return () => this.subscribers.delete(subscriber);
  }
}
