/**
 * Publishes events to the events exchange, keeping them in memory while the broker is away (up to
 * a limit; the oldest go first, counted and logged) and sending them, in order, once it is back.
 */
import type { ConfirmChannel } from 'amqplib';
import type { BusLog } from './connection.js';
import { encode, type Event } from './messages.js';
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
    this.pending.push(event);
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
        channel.publish(EVENTS_EXCHANGE, '', encode(event), { persistent: true, contentType: 'application/json', userId: this.userId, type: event.type, timestamp: Math.floor(Date.parse(event.at) / 1000) }, (error) => {
          if (error) this.pending.unshift(event); // nacked: tried again on the next flush
        });
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
