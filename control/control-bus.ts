/**
 * Control's side of the bus: publishes commands on a confirm channel, gathers the agents' replies
 * from its own server-named queue (bound to the replies exchange, named in each command's
 * replyTo), feeds heartbeats to the host registry, and reads the events stream
 * (event-stream-reader.ts). Stateless: several control replicas can share one broker.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConsumeMessage } from 'amqplib';
import { BusConnection, type BusLog, type Dial } from '../bus/connection.js';
import { Complaints } from '../bus/complaints.js';
import { agentUser, senderOf } from '../bus/identity.js';
import { parseHeartbeat, parseReply, type Command, type Event, type Reply } from '../bus/messages.js';
import { HEARTBEATS_EXCHANGE, QUERY_ALL, REPLIES_EXCHANGE, TO_ALL, declareExchanges, queryHost, toHost } from '../bus/topology.js';
import type { Clock } from '../shared/clock.js';
import { publishConfirmed, recordConfirmed, roundTrip } from './command-publisher.js';
import { ReplyGatherer } from './gather.js';
import type { EventLog } from './event-log.js';
import { EventStreamReader, type EventStreamOptions } from './event-stream-reader.js';
import type { HostRegistry } from './host-registry.js';
import { BusUnavailableError, type CommandBus, type EventRecorder, type EventSource, type Gathered, type SendOptions } from './ports.js';

export type { EventStreamOptions } from './event-stream-reader.js';

/** At most this many replies, and heartbeats, wait for one control replica. */
const CONTROL_QUEUE_MAX_LENGTH = 10_000;

export class ControlBus implements CommandBus, EventSource, EventRecorder {
  private readonly connection: BusConnection;
  private readonly gatherer: ReplyGatherer;
  private readonly reader: EventStreamReader;
  /** This connection's reply queue (server-named, exclusive), sent as each request's replyTo. */
  private replyQueue = '';
  /** Malformed and forged messages, logged per sender at a bounded rate (a flood is a line or two a minute). */
  private readonly complaints = new Complaints();
  private cancelComplaints: () => void = () => undefined;

  constructor(
    url: string,
    private readonly registry: HostRegistry,
    private readonly log: BusLog,
    private readonly clock: Clock,
    events: EventLog,
    stream: EventStreamOptions,
    dial?: Dial,
  ) {
    this.gatherer = new ReplyGatherer(clock);
    this.reader = new EventStreamReader(events, stream, clock, (what, sender, line, fields) => this.complain(what, sender, line, fields));
    this.connection = new BusConnection(url, 'control', (channel, openChannel) => this.setup(channel, openChannel), log, clock, dial);
  }

  get connected(): boolean {
    return this.connection.channel !== null;
  }

  start(): void {
    this.connection.start();
    const tell = (): void => {
      for (const line of this.complaints.due(this.clock.now())) this.log.warn(line, { kind: 'bus' });
      this.cancelComplaints = this.clock.setTimeout(tell, 10_000);
    };
    this.cancelComplaints = this.clock.setTimeout(tell, 10_000);
  }

  close(): Promise<void> {
    this.cancelComplaints();
    return this.connection.close();
  }

  private complain(what: string, sender: string, line: string, fields: Record<string, unknown> = {}): void {
    const told = this.complaints.note(`${what} ${sender}`, line, this.clock.now());
    if (told !== null) this.log.warn(told, { kind: 'bus', sender, ...fields });
  }

  private probe: { at: number; answer: Promise<boolean> } | null = null;

  /**
   * A round trip to the broker: an empty message to a routing key no queue binds, which RabbitMQ
   * confirms without delivering. Shared by callers within a second (health checkers poll).
   */
  responsive(timeoutMs: number): Promise<boolean> {
    const now = this.clock.now();
    if (this.probe && now - this.probe.at < 1000) return this.probe.answer;
    const channel = this.connection.channel;
    const answer = channel ? roundTrip(channel, this.clock, this.connection.user, timeoutMs) : Promise.resolve(false);
    this.probe = { at: now, answer };
    return answer;
  }

  // Queries go only to live agents' query queues; state-changing commands to the durable command queues.
  toAll<T = Reply>(command: Command, expected: readonly string[], options: SendOptions<T>): Promise<Gathered<T>> {
    return this.request(command, command.kind === 'list_request' ? QUERY_ALL : TO_ALL, expected, options);
  }

  toHost<T = Reply>(hostname: string, command: Command, options: SendOptions<T>): Promise<Gathered<T>> {
    return this.request(command, command.kind === 'list_request' ? queryHost(hostname) : toHost(hostname), [hostname], options);
  }

  /**
   * Publishes the command and gathers its replies. It waits for the broker's confirm (within the
   * gather deadline): a command the broker did not confirm is a BusUnavailableError, never a
   * promise that it waits in a queue. The command's id (`messageId`) lets agents apply it at most once.
   */
  private async request<T>(
    command: Command,
    routingKey: string,
    expected: readonly string[],
    options: SendOptions<T>,
  ): Promise<Gathered<T>> {
    const channel = this.connection.channel;
    if (!channel) throw new BusUnavailableError();
    const correlationId = randomUUID();
    const gathered = this.gatherer.gather(correlationId, expected, options.timeoutMs, options.digest);
    try {
      await publishConfirmed(
        channel,
        this.clock,
        { routingKey, command, id: correlationId, replyTo: this.replyQueue, user: this.connection.user },
        options,
      );
    } catch (error) {
      this.gatherer.abandon(correlationId);
      throw error;
    }
    return { ...(await gathered), commandId: correlationId };
  }

  record(event: Event, timeoutMs: number): Promise<void> {
    const channel = this.connection.channel;
    if (!channel) return Promise.reject(new BusUnavailableError());
    return recordConfirmed(channel, this.clock, event, this.connection.user, timeoutMs);
  }

  /** Resolves true once the stream has been read to the end it had when control (re)connected; false after the timeout. */
  caughtUp(timeoutMs: number): Promise<boolean> {
    return this.reader.caughtUp(timeoutMs);
  }

  get events(): EventLog {
    return this.reader.events;
  }

  private async setup(channel: Channel, openChannel: () => Promise<Channel>): Promise<void> {
    await declareExchanges(channel);
    await this.reader.start(channel, await openChannel(), this.connection.user);
    // Its own queues, bounded like every queue of the system: replies and heartbeats that pile up while control is stalled are dropped oldest first.
    const own = { exclusive: true, autoDelete: true, arguments: { 'x-max-length': CONTROL_QUEUE_MAX_LENGTH } };
    const replies = await channel.assertQueue('', own);
    await channel.bindQueue(replies.queue, REPLIES_EXCHANGE, replies.queue);
    await channel.consume(replies.queue, (message) => this.onReply(message), { noAck: true });
    this.replyQueue = replies.queue;
    const { queue } = await channel.assertQueue('', own);
    await channel.bindQueue(queue, HEARTBEATS_EXCHANGE, '');
    await channel.consume(queue, (message) => this.onHeartbeat(message), { noAck: true });
    this.registry.listening();
  }

  private onReply(message: ConsumeMessage | null): void {
    if (!message) return;
    const parsed = parseReply(message.content);
    if (!parsed.ok) {
      this.complain(
        'malformed reply',
        senderOf(message),
        `dropped a malformed reply from broker user ${senderOf(message) || '(none)'}: ${parsed.reason}`,
      );
      return;
    }
    if (!this.fromHost(message, parsed.value.hostname, 'reply')) return;
    const correlationId = String(message.properties.correlationId ?? '');
    // A reply after its request's deadline finds nobody waiting: dropped on purpose.
    this.gatherer.deliver(correlationId, parsed.value);
  }

  private onHeartbeat(message: ConsumeMessage | null): void {
    if (!message) return;
    const parsed = parseHeartbeat(message.content);
    if (!parsed.ok) {
      this.complain(
        'malformed heartbeat',
        senderOf(message),
        `dropped a malformed heartbeat from broker user ${senderOf(message) || '(none)'}: ${parsed.reason}`,
      );
      return;
    }
    if (!this.fromHost(message, parsed.value.hostname, 'heartbeat')) return;
    this.registry.record(parsed.value);
  }

  /** True when the broker vouches that the message comes from the host's own user; else it is dropped (and said at a bounded rate per sender). */
  private fromHost(message: ConsumeMessage, hostname: string, what: string): boolean {
    const sender = senderOf(message);
    if (sender === agentUser(hostname)) return true;
    this.complain(
      `forged ${what}`,
      sender,
      `ignored a ${what} for host ${hostname} from broker user ${sender || '(none)'}: only ${agentUser(hostname)} speaks for that host`,
      { hostname },
    );
    return false;
  }
}
