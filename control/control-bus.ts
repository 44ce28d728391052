/**
 * Control's side of the bus: publishes commands on a confirm channel, gathers the agents' replies
 * from its own server-named queue (bound to the replies exchange, named in each command's
 * replyTo), feeds heartbeats to the host registry, and reads the events stream on a channel of its
 * own, so that replaying a long stream after a (re)connect never queues a command's confirm or a
 * reply behind its deliveries. Stateless: several control replicas can share one broker.
 */
import { randomUUID } from 'node:crypto';
import type { Channel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { BusConnection, type BusLog, type Dial } from '../bus/connection.js';
import { Complaints } from '../bus/complaints.js';
import { agentUser, eventSenderProblem } from '../bus/identity.js';
import { encode, parseEvent, parseHeartbeat, parseReply, type Command, type Reply } from '../bus/messages.js';
import {
  COMMANDS_EXCHANGE,
  EVENTS_EXCHANGE,
  EVENTS_STREAM,
  HEARTBEATS_EXCHANGE,
  QUERY_ALL,
  REPLIES_EXCHANGE,
  TO_ALL,
  declareEventStream,
  declareExchanges,
  queryHost,
  toHost,
} from '../bus/topology.js';
import type { Clock } from '../shared/clock.js';
import { ReplyGatherer } from './gather.js';
import type { EventLog } from './event-log.js';
import type { HostRegistry } from './host-registry.js';
import { BusUnavailableError, type CommandBus, type EventSource, type Gathered, type SendOptions } from './ports.js';

export interface EventStreamOptions {
  /** RabbitMQ's x-max-age, e.g. 7D. */
  maxAge: string;
  maxAgeMs: number;
}

/** At most this many replies, and heartbeats, wait for one control replica. */
const CONTROL_QUEUE_MAX_LENGTH = 10_000;

export class ControlBus implements CommandBus, EventSource {
  private readonly connection: BusConnection;
  private readonly gatherer: ReplyGatherer;
  /** The marker this control published to find the stream's end; resolved when read back. */
  private marker = '';
  private caughtUpNow = false;
  private caughtUpWaiters: (() => void)[] = [];
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
    readonly events: EventLog,
    private readonly stream: EventStreamOptions,
    dial?: Dial,
  ) {
    this.gatherer = new ReplyGatherer(clock);
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
    const answer = !channel
      ? Promise.resolve(false)
      : new Promise<boolean>((resolve) => {
          const cancel = this.clock.setTimeout(() => resolve(false), timeoutMs);
          try {
            channel.publish(
              COMMANDS_EXCHANGE,
              'control.ping',
              Buffer.alloc(0),
              { userId: this.connection.user, expiration: '1' },
              (error) => {
                cancel();
                resolve(!error);
              },
            );
          } catch {
            cancel();
            resolve(false);
          }
        });
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
      await this.publishConfirmed(channel, routingKey, command, correlationId, options);
    } catch (error) {
      this.gatherer.abandon(correlationId);
      throw error;
    }
    return { ...(await gathered), commandId: correlationId };
  }

  private publishConfirmed(
    channel: ConfirmChannel,
    routingKey: string,
    command: Command,
    id: string,
    options: Pick<SendOptions, 'timeoutMs' | 'persistent'>,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      const maybe =
        command.kind === 'list_request'
          ? 'ask again'
          : `it may or may not have been queued (and applied): GET /events?type=command shows a command event with commandId ${id} once an agent applied or refused it; sending it again is safe (applying it twice changes nothing)`;
      const idOf = command.kind === 'list_request' ? undefined : id;
      const cancel = this.clock.setTimeout(
        () =>
          reject(
            new BusUnavailableError(`RabbitMQ did not confirm the ${command.kind} command within ${options.timeoutMs} ms: ${maybe}`, idOf),
          ),
        options.timeoutMs,
      );
      const confirmed = (error: unknown): void => {
        cancel();
        // amqplib: 'message nacked' is the broker's refusal (nothing routed); anything else is the channel closing before the confirm came.
        if (error && describe(error) === 'message nacked')
          reject(new BusUnavailableError(`RabbitMQ refused the ${command.kind} command; nothing was queued`));
        else if (error)
          reject(
            new BusUnavailableError(`the connection to RabbitMQ closed before it confirmed the ${command.kind} command: ${maybe}`, idOf),
          );
        else resolve();
      };
      try {
        channel.publish(
          COMMANDS_EXCHANGE,
          routingKey,
          encode(command),
          {
            messageId: id,
            correlationId: id,
            replyTo: this.replyQueue,
            userId: this.connection.user,
            contentType: 'application/json',
            type: command.kind,
            persistent: options.persistent,
            ...(options.persistent ? {} : { expiration: String(options.timeoutMs) }),
          },
          confirmed,
        );
      } catch {
        cancel();
        reject(new BusUnavailableError());
      }
    });
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

  private async setup(channel: Channel, openChannel: () => Promise<Channel>): Promise<void> {
    await declareExchanges(channel);
    await declareEventStream(channel, this.stream.maxAge);
    // A stream is read with acks and a prefetch (its credit); from where this control left off, else from max age ago.
    const streamChannel = await openChannel();
    await streamChannel.prefetch(1000);
    const from = this.events.nextOffset ?? { '!': 'timestamp', value: Math.floor((this.clock.now() - this.stream.maxAgeMs) / 1000) };
    await streamChannel.consume(EVENTS_STREAM, (message) => this.onEvent(streamChannel, message), {
      noAck: false,
      arguments: { 'x-stream-offset': from },
    });
    this.marker = randomUUID();
    channel.publish(EVENTS_EXCHANGE, '', Buffer.from('{}'), { type: 'marker', messageId: this.marker, userId: this.connection.user });
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
      this.complain(
        'malformed event',
        sender,
        `dropped a malformed event from broker user ${sender || '(none)'}: ${parsed.ok ? 'no stream offset' : parsed.reason}`,
      );
      return;
    }
    const event = parsed.value;
    const forged = eventSenderProblem(sender, event);
    if (forged) {
      this.complain(
        'forged event',
        sender,
        `ignored a ${event.type} event for host ${event.host} from broker user ${sender || '(none)'}: ${forged}`,
        { hostname: event.host },
      );
      return;
    }
    this.events.append(offset, event, this.clock.now(), message.content.length);
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

/** The broker user RabbitMQ vouches sent the message (its user_id); '' when it names none. */
const senderOf = (message: ConsumeMessage): string => String(message.properties.userId ?? '');

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
