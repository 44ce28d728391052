/**
 * Control's reading of the events stream: from where this control left off (else from max age
 * ago), on a channel of its own (replaying a long stream never queues a command's confirm or a
 * reply behind its deliveries); a marker it publishes tells it when it has read to the end the
 * stream had. An event is kept only if it is well formed and its sender may tell it.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import { eventSenderProblem, senderOf } from '../bus/identity.js';
import { parseEvent } from '../bus/messages.js';
import { EVENTS_EXCHANGE, EVENTS_STREAM, declareEventStream } from '../bus/topology.js';
import type { Clock } from '../shared/clock.js';
import type { EventLog } from './event-log.js';

export interface EventStreamOptions {
  /** RabbitMQ's x-max-age, e.g. 7D. */
  maxAge: string;
  maxAgeMs: number;
}

export type Complain = (what: string, sender: string, line: string, fields?: Record<string, unknown>) => void;

export class EventStreamReader {
  /** The marker this control published to find the stream's end; resolved when read back. */
  private marker = '';
  private caughtUpNow = false;
  private caughtUpWaiters: (() => void)[] = [];

  constructor(
    readonly events: EventLog,
    private readonly stream: EventStreamOptions,
    private readonly clock: Clock,
    private readonly complain: Complain,
  ) {}

  /** Declares the stream, reads it on `streamChannel`, and publishes the marker on `channel` as `user`. */
  async start(channel: Channel, streamChannel: Channel, user: string): Promise<void> {
    await declareEventStream(channel, this.stream.maxAge);
    // A stream is read with acks and a prefetch (its credit); from where this control left off, else from max age ago.
    await streamChannel.prefetch(1000);
    const from = this.events.nextOffset ?? { '!': 'timestamp', value: Math.floor((this.clock.now() - this.stream.maxAgeMs) / 1000) };
    await streamChannel.consume(EVENTS_STREAM, (message) => this.onEvent(streamChannel, message), {
      noAck: false,
      arguments: { 'x-stream-offset': from },
    });
    this.marker = randomUUID();
    channel.publish(EVENTS_EXCHANGE, '', Buffer.from('{}'), { type: 'marker', messageId: this.marker, userId: user });
  }

  /** Resolves true once the stream has been read to the end it had when control (re)connected; false after the timeout. */
  caughtUp(timeoutMs: number): Promise<boolean> {
    if (this.caughtUpNow) return Promise.resolve(true);
    return new Promise((resolve) => {
      const cancel = this.clock.setTimeout(() => resolve(false), timeoutMs);
      this.caughtUpWaiters.push(() => {
        cancel();
        resolve(true);
      });
    });
  }

  private onEvent(channel: Channel, message: ConsumeMessage | null): void {
    if (!message) return;
    try {
      channel.ack(message);
    } catch {
      // the channel closed: the stream is read again from nextOffset on the new one
    }
    if (message.properties.type === 'marker') {
      if (message.properties.messageId === this.marker && !this.caughtUpNow) {
        this.caughtUpNow = true;
        for (const resolve of this.caughtUpWaiters.splice(0)) resolve();
      }
      return;
    }
    const offset = Number((message.properties.headers as Record<string, unknown> | undefined)?.['x-stream-offset']);
    const parsed = parseEvent(message.content);
    const sender = senderOf(message);
    if (!parsed.ok || !Number.isSafeInteger(offset)) {
      const why = parsed.ok ? 'no stream offset' : parsed.reason;
      this.complain('malformed event', sender, `dropped a malformed event from broker user ${sender || '(none)'}: ${why}`);
      return;
    }
    const event = parsed.value;
    const forged = eventSenderProblem(sender, event);
    if (forged) {
      const line = `ignored a ${event.type} event for host ${event.host} from broker user ${sender || '(none)'}: ${forged}`;
      this.complain('forged event', sender, line, { hostname: event.host });
      return;
    }
    this.events.append(offset, event, this.clock.now(), message.content.length);
  }
}
