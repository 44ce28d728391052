/**
 * A fake amqplib connection for unit tests of the bus adapters, with fault switches: it records
 * what is published, sent, acked and nacked, lets a test deliver messages to the consumers, and
 * can drop the connection as a broker restart would. The real broker is in the integration tests.
 */
import { EventEmitter } from 'node:events';
import type { ChannelModel, ConsumeMessage } from 'amqplib';
import type { Dial } from '../../bus/connection.js';

type Consumer = (message: ConsumeMessage | null) => void;

export class FakeChannel extends EventEmitter {
  /** A confirm channel (each connection's first), or one opened besides it. */
  constructor(readonly confirms: boolean) {
    super();
  }
  readonly consumers = new Map<string, Consumer>();
  readonly published: { exchange: string; routingKey: string; body: string; options: Record<string, unknown> }[] = [];
  readonly sent: { queue: string; body: string; options: Record<string, unknown> }[] = [];
  readonly acked: ConsumeMessage[] = [];
  readonly nacked: ConsumeMessage[] = [];
  private queues = 0;

  async assertExchange(): Promise<void> {}
  async assertQueue(name: string): Promise<{ queue: string }> {
    return { queue: name || `amq.gen-${++this.queues}` };
  }
  async bindQueue(): Promise<void> {}
  async deleteQueue(): Promise<{ messageCount: number }> {
    return { messageCount: 0 };
  }
  async prefetch(): Promise<void> {}
  async consume(queue: string, consumer: Consumer): Promise<{ consumerTag: string }> {
    this.consumers.set(queue, consumer);
    return { consumerTag: queue };
  }
  /** While false, publishes are not confirmed (a hung broker); a confirm callback waits until it is true. */
  confirming = true;
  private unconfirmed: ((error: Error | null) => void)[] = [];
  publish(
    exchange: string,
    routingKey: string,
    content: Buffer,
    options: Record<string, unknown> = {},
    confirmed?: (error: Error | null) => void,
  ): boolean {
    this.published.push({ exchange, routingKey, body: content.toString(), options });
    if (confirmed) {
      if (this.confirming) queueMicrotask(() => confirmed(null));
      else this.unconfirmed.push(confirmed);
    }
    return true;
  }
  /** The broker confirms again, and confirms what waited. */
  resumeConfirms(): void {
    this.confirming = true;
    for (const confirm of this.unconfirmed.splice(0)) confirm(null);
  }
  /** What waits for a confirm fails as amqplib fails it: 'message nacked' (the broker refused) or 'channel closed'. */
  failConfirms(reason: 'message nacked' | 'channel closed'): void {
    for (const confirm of this.unconfirmed.splice(0)) confirm(new Error(reason));
  }
  sendToQueue(queue: string, content: Buffer, options: Record<string, unknown> = {}): boolean {
    this.sent.push({ queue, body: content.toString(), options });
    return true;
  }
  ack(message: ConsumeMessage): void {
    this.acked.push(message);
  }
  nack(message: ConsumeMessage): void {
    this.nacked.push(message);
  }
  async waitForConfirms(): Promise<void> {}

  /** Delivers a message to the consumer of `queue` as the broker would. */
  deliver(queue: string, body: string, properties: Record<string, unknown> = {}): ConsumeMessage {
    const message = { content: Buffer.from(body), fields: {}, properties } as unknown as ConsumeMessage;
    const consumer = this.consumers.get(queue);
    if (!consumer) throw new Error(`nobody consumes ${queue}`);
    consumer(message);
    return message;
  }
}

export class FakeBroker {
  readonly channels: FakeChannel[] = [];
  dials = 0;
  /** While set, dialling fails with it (a broker that is down). */
  refuse: Error | null = null;
  private connection: (EventEmitter & { close(): Promise<void> }) | null = null;

  /** The URL of every dial, in order. */
  readonly dialed: string[] = [];
  readonly dial: Dial = async (url) => {
    this.dials += 1;
    this.dialed.push(url);
    if (this.refuse) throw this.refuse;
    const connection = Object.assign(new EventEmitter(), {
      createConfirmChannel: async () => this.open(true),
      createChannel: async () => this.open(false),
      close: async () => {
        connection.emit('close');
      },
    });
    this.connection = connection;
    return connection as unknown as ChannelModel;
  };

  private open(confirms: boolean): FakeChannel {
    const channel = new FakeChannel(confirms);
    this.channels.push(channel);
    return channel;
  }

  /** The latest connection's confirm channel (its first). */
  get channel(): FakeChannel | undefined {
    return [...this.channels].reverse().find((c) => c.confirms);
  }

  /** The latest channel that consumes `queue`. */
  consumerOf(queue: string): FakeChannel | undefined {
    return [...this.channels].reverse().find((c) => c.consumers.has(queue));
  }

  /** The broker goes away: the connection closes as amqplib reports it. */
  drop(): void {
    this.connection?.emit('error', new Error('connection reset'));
    this.connection?.emit('close');
  }
}
