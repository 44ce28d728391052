/**
 * Control's side of the bus: publishes commands, gathers the agents' replies on RabbitMQ's direct
 * reply-to (consumed on the same channel that publishes, as the broker requires), and feeds
 * heartbeats to the host registry. Stateless: several control replicas can share one broker.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import { BusConnection, type BusLog, type Dial } from '../bus/connection.js';
import { encode, parseHeartbeat, parseReply, type Command } from '../bus/messages.js';
import { COMMANDS_EXCHANGE, HEARTBEATS_EXCHANGE, REPLY_TO, TO_ALL, declareExchanges, toHost } from '../bus/topology.js';
import type { Clock } from '../shared/clock.js';
import { ReplyGatherer } from './gather.js';
import type { HostRegistry } from './host-registry.js';
import { BusUnavailableError, type CommandBus, type Gathered, type SendOptions } from './ports.js';

export class ControlBus implements CommandBus {
  private readonly connection: BusConnection;
  private readonly gatherer: ReplyGatherer;

  constructor(
    url: string,
    private readonly registry: HostRegistry,
    private readonly log: BusLog,
    clock: Clock,
    dial?: Dial,
  ) {
    this.gatherer = new ReplyGatherer(clock);
    this.connection = new BusConnection(url, 'control', (channel) => this.setup(channel), log, clock, dial);
  }

  get connected(): boolean {
    return this.connection.channel !== null;
  }

  start(): void {
    this.connection.start();
  }

  close(): Promise<void> {
    return this.connection.close();
  }

  toAll(command: Command, expected: readonly string[], options: SendOptions): Promise<Gathered> {
    return this.request(command, TO_ALL, expected, options);
  }

  toHost(hostname: string, command: Command, options: SendOptions): Promise<Gathered> {
    return this.request(command, toHost(hostname), [hostname], options);
  }

  private async request(command: Command, routingKey: string, expected: readonly string[], options: SendOptions): Promise<Gathered> {
    const channel = this.connection.channel;
    if (!channel) throw new BusUnavailableError();
    const correlationId = randomUUID();
    const gathered = this.gatherer.gather(correlationId, expected, options.timeoutMs);
    try {
      channel.publish(COMMANDS_EXCHANGE, routingKey, encode(command), {
        correlationId,
        replyTo: REPLY_TO,
        contentType: 'application/json',
        type: command.kind,
        persistent: options.persistent,
        ...(options.persistent ? {} : { expiration: String(options.timeoutMs) }),
      });
    } catch {
      this.gatherer.abandon(correlationId);
      throw new BusUnavailableError();
    }
    return gathered;
  }

  private async setup(channel: Channel): Promise<void> {
    await declareExchanges(channel);
    await channel.consume(REPLY_TO, (message) => this.onReply(message), { noAck: true });
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, HEARTBEATS_EXCHANGE, '');
    await channel.consume(queue, (message) => this.onHeartbeat(message), { noAck: true });
    this.registry.listening();
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const parsed = parseReply(message.content);
    if (!parsed.ok) {
      this.log.warn(`dropped a malformed reply: ${parsed.reason}`, { kind: 'bus' });
      return;
    }
    const correlationId = String(message.properties.correlationId ?? '');
    // A reply after its request's deadline finds nobody waiting: dropped on purpose.
    this.gatherer.deliver(correlationId, parsed.value);
  }

  private onHeartbeat(message: ConsumeMessage | null): void {
    if (!message) return;
    const parsed = parseHeartbeat(message.content);
    if (!parsed.ok) {
      this.log.warn(`dropped a malformed heartbeat: ${parsed.reason}`, { kind: 'bus' });
      return;
    }
    this.registry.record(parsed.value);
  }
}
