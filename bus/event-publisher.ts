/**
 * Publishes events to the events exchange, keeping them in memory while the broker is away (up to
 * a limit; the oldest go first, counted and logged) and sending them, in order, once it is back.
 * Texts are clipped to the contract's bounds here, at the source, so that a long Docker error or
 * label value never makes a whole event one that control must refuse.
 */
import type { ConfirmChannel } from 'amqplib';
import type { BusLog } from './connection.js';
import { EVENT_TEXT_MAX, EVENT_PROBLEMS_MAX, encode, type Event } from './messages.js';
import { EVENTS_EXCHANGE } from './topology.js';

export class EventPublisher {
  private pending: Event[] = [];
  private dropped = 0;

  constructor(
    private readonly channel: () => ConfirmChannel | null,
    private readonly log: BusLog,
    /** The publisher's broker user, sent as `user_id` (RabbitMQ refuses any other). */
    private readonly userId: string,
    private readonly limit = 10_000,
  ) {}

  publish(event: Event): void {
    this.pending.push(withinBounds(event));
    if (this.pending.length > this.limit) {
      this.pending.shift();
      this.dropped += 1;
    }
    this.flush();
  }

  /** Sends what waits; called on every publish and after each (re)connect. */
  flush(): void {
    const channel = this.channel();
    if (!channel) return;
    if (this.dropped > 0) {
      this.log.warn(`${this.dropped} event(s) were dropped while the broker was away (more than ${this.limit} waiting)`, { kind: 'bus' });
      this.dropped = 0;
    }
    const batch = this.pending;
    this.pending = [];
    for (const [i, event] of batch.entries()) {
      try {
        channel.publish(
          EVENTS_EXCHANGE,
          '',
          encode(event),
          {
            persistent: true,
            contentType: 'application/json',
            userId: this.userId,
            type: event.type,
            timestamp: Math.floor(Date.parse(event.at) / 1000),
          },
          (error) => {
            if (error) this.pending.unshift(event); // nacked: tried again on the next flush
          },
        );
      } catch {
        this.pending = [...batch.slice(i), ...this.pending]; // the channel closed under us
        return;
      }
    }
  }

  get waiting(): number {
    return this.pending.length;
  }
}

const clip = (text: string): string => (text.length > EVENT_TEXT_MAX ? `${text.slice(0, EVENT_TEXT_MAX - 1)}…` : text);

/** The event with every text within EVENT_TEXT_MAX characters and at most EVENT_PROBLEMS_MAX problems. */
export function withinBounds(event: Event): Event {
  const bounded: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) bounded[key] = typeof value === 'string' ? clip(value) : value;
  if (event.problems) bounded['problems'] = event.problems.slice(0, EVENT_PROBLEMS_MAX).map(clip);
  return bounded as Event;
}
