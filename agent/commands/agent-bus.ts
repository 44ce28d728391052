/**
 * The agent's side of the bus: its durable command queue, replies to the requester, and
 * heartbeats. The check loop does not depend on it: while the broker is away the agent keeps
 * healing, and this reconnects by itself.
 */
import type { Channel, ConsumeMessage } from 'amqplib';
import { BusConnection, type Dial } from '../../bus/connection.js';
import { Complaints } from '../../bus/complaints.js';
import { EventPublisher } from '../../bus/event-publisher.js';
import { encode, parseCommand, type Command, type Event, type Heartbeat, type Reply } from '../../bus/messages.js';
import { CONTROL_USER } from '../../bus/identity.js';
import {
  HEARTBEAT_INTERVAL_MS,
  HEARTBEATS_EXCHANGE,
  REPLIES_EXCHANGE,
  agentQueries,
  agentQueue,
  declareAgentQueues,
  legacyAgentQueue,
} from '../../bus/topology.js';
import type { Clock } from '../../shared/clock.js';
import type { CommandHandler } from './command-handler.js';
import type { Log } from '../ports.js';
import { errorMessage } from '../../shared/errors.js';
import { RecentCommands } from './recent-commands.js';
import type { Watchdog } from '../watchdog.js';

export class AgentBus {
  private readonly connection: BusConnection;
  /**
   * State-changing commands in lanes: the commands of one lane (one container's, or the threshold,
   * or the mode) are applied one at a time in the order they arrive; lanes do not wait for each
   * other, so a command waiting on a hung engine (about one container) holds nothing else.
   */
  private readonly lanes = new Map<string, Promise<void>>();
  private cancelHeartbeat: (() => void) | null = null;
  private readonly events: EventPublisher;
  private readonly recent = new RecentCommands();
  /** Malformed and foreign commands, logged per sender at a bounded rate (a flood is a line or two a minute). */
  private readonly complaints = new Complaints();

  constructor(
    url: string,
    private readonly hostname: string,
    private readonly handler: CommandHandler,
    private readonly watchdog: Watchdog,
    private readonly log: Log,
    private readonly clock: Clock,
    dial?: Dial,
    /** The only broker user whose commands this agent applies (RabbitMQ vouches for a message's user_id). */
    private readonly controlUser = CONTROL_USER,
  ) {
    this.connection = new BusConnection(url, `agent ${hostname}`, (channel) => this.setup(channel), log, clock, dial);
    this.events = new EventPublisher(() => this.connection.channel, log, this.connection.user);
  }

  /** Appends an event to the stream; kept in memory while the broker is away. */
  publishEvent(event: Event): void {
    this.events.publish(event);
  }

  /** True while connected to the broker. */
  get connected(): boolean {
    return this.connection.channel !== null;
  }

  start(): void {
    this.connection.start();
    const beat = (): void => {
      this.sendHeartbeat(false);
      for (const line of this.complaints.due(this.clock.now())) this.log.warn(line, { kind: 'bus' });
      this.cancelHeartbeat = this.clock.setTimeout(beat, HEARTBEAT_INTERVAL_MS);
    };
    this.cancelHeartbeat = this.clock.setTimeout(beat, HEARTBEAT_INTERVAL_MS);
  }

  /** Says goodbye (so control stops waiting for this host at once), then closes. */
  async stop(): Promise<void> {
    this.cancelHeartbeat?.();
    this.sendHeartbeat(true);
    await Promise.all(this.lanes.values());
    // Closing right after a publish can lose it: wait (briefly) until the broker has it.
    const channel = this.connection.channel;
    if (channel) {
      let cancel = (): void => undefined;
      const giveUp = new Promise<void>((resolve) => (cancel = this.clock.setTimeout(resolve, 1000)));
      await Promise.race([channel.waitForConfirms().catch(() => undefined), giveUp]);
      cancel();
    }
    await this.connection.close();
  }

  // The exchanges are control's (and the broker definitions'): an agent may not declare them.
  private async setup(channel: Channel): Promise<void> {
    await declareAgentQueues(channel, this.hostname);
    // Before queries had their own queue, commands and queries shared this one: it would only collect them now.
    await channel.deleteQueue(legacyAgentQueue(this.hostname));
    await channel.prefetch(32);
    await channel.consume(agentQueue(this.hostname), (message) => this.receive(channel, message), { noAck: false });
    await channel.consume(agentQueries(this.hostname), (message) => this.receive(channel, message), { noAck: false });
    this.publishHeartbeat(channel, false);
    // The connection's channel is set once setup is done: send what waited, right after.
    this.clock.setTimeout(() => this.events.flush(), 0);
  }

  private receive(channel: Channel, message: ConsumeMessage | null): void {
    if (!message) {
      this.log.warn('the broker cancelled the command consumer; it is set up again on the next reconnect', { kind: 'bus' });
      return;
    }
    const parsed = parseCommand(message.content);
    if (!parsed.ok) {
      // Rejected without requeue: a poison message is dropped (or dead-lettered), never redelivered in a loop.
      const sender = String(message.properties.userId ?? '(none)');
      const line = this.complaints.note(
        `malformed ${sender}`,
        `rejected a malformed command from broker user ${sender}: ${parsed.reason}`,
        this.clock.now(),
      );
      if (line) this.log.warn(line, { kind: 'bus', reason: parsed.reason, body: message.content.toString('utf8').slice(0, 200) });
      settle(channel, message, false);
      return;
    }
    const command = parsed.value;
    const { correlationId, replyTo, messageId, userId } = message.properties as {
      correlationId?: string;
      replyTo?: string;
      messageId?: string;
      userId?: string;
    };
    if (userId !== this.controlUser) {
      // Only control commands agents: the broker checked user_id against the sender's login.
      const line = this.complaints.note(
        `foreign ${userId ?? ''}`,
        `dropped a command (${command.kind}) from broker user ${userId ?? '(none)'}: only ${this.controlUser} may command agents`,
        this.clock.now(),
      );
      if (line) this.log.warn(line, { kind: 'bus', command: command.kind, sender: userId ?? null });
      settle(channel, message, false);
      return;
    }
    const apply = async (): Promise<void> => {
      try {
        const before = messageId ? this.recent.applied(messageId) : null;
        if (before) {
          // A redelivery (its first ack was lost with a connection): answer again, apply nothing.
          this.log.info(`command ${command.kind} ${messageId ?? ''} was applied already: answered again, not applied again`, {
            kind: 'command',
            command: command.kind,
            correlationId,
            commandId: messageId,
            outcome: 'duplicate',
          });
          if (before.reply && replyTo) this.reply(channel, replyTo, correlationId, before.reply);
          return;
        }
        const reply = await this.handler.handle(command);
        if (messageId && command.kind !== 'list_request') this.recent.record(messageId, reply);
        const outcome = reply === null ? 'ignored' : reply.kind === 'ack' && !reply.ok ? `refused: ${reply.message}` : 'done';
        this.log.info(`command ${command.kind}: ${outcome}`, {
          kind: 'command',
          command: command.kind,
          correlationId,
          commandId: messageId,
          outcome,
          ...commandFields(command),
        });
        if (reply && replyTo) this.reply(channel, replyTo, correlationId, reply);
        if (reply?.kind === 'ack' && command.kind !== 'list_request') {
          // Applied or refused, the outcome is told as an event naming the command's id: a caller whose answer came too late (504) reads it there.
          const container = command.kind === 'actives' || command.kind === 'policy' ? { container: command.name } : {};
          const refused = reply.ok ? {} : { outcome: 'failed' as const, reason: reply.message ?? reply.error ?? 'refused' };
          this.publishEvent({
            kind: 'event',
            type: 'command',
            at: new Date(this.clock.now()).toISOString(),
            host: this.hostname,
            command: command.kind,
            detail: describeCommand(command),
            ...container,
            ...refused,
            ...(messageId ? { commandId: messageId } : {}),
          });
        }
      } catch (error) {
        this.log.error(`command ${command.kind} failed: ${errorMessage(error)}`, { kind: 'command', command: command.kind, correlationId });
      } finally {
        settle(channel, message, true);
      }
    };
    // Commands one at a time in their lane, in order; queries at once (they read what the agent
    // holds, so a command waiting on a slow engine never holds them).
    if (command.kind === 'list_request') void apply();
    else this.enqueue(laneOf(command), apply);
  }

  private enqueue(lane: string, apply: () => Promise<void>): void {
    const next = (this.lanes.get(lane) ?? Promise.resolve()).then(apply);
    this.lanes.set(lane, next);
    void next.then(() => {
      if (this.lanes.get(lane) === next) this.lanes.delete(lane);
    });
  }

  /** To the replies exchange, routed by the requester's reply queue name (agents may publish nowhere else but heartbeats and events). */
  private reply(channel: Channel, replyTo: string, correlationId: string | undefined, reply: Reply): void {
    channel.publish(REPLIES_EXCHANGE, replyTo, encode(reply), {
      correlationId,
      contentType: 'application/json',
      userId: this.connection.user,
    });
  }

  private sendHeartbeat(leaving: boolean): void {
    const channel = this.connection.channel;
    if (channel) this.publishHeartbeat(channel, leaving);
  }

  private publishHeartbeat(channel: Channel, leaving: boolean): void {
    const { threshold } = this.watchdog.watchList.snapshot;
    const dryRun = this.watchdog.policies.dryRun;
    const heartbeat: Heartbeat = {
      kind: 'heartbeat',
      hostname: this.hostname,
      sentAt: new Date(this.clock.now()).toISOString(),
      threshold,
      monitored: this.watchdog.policies.monitoredNames().length,
      ...(dryRun ? { dryRun } : {}),
      ...(leaving ? { leaving } : {}),
    };
    try {
      channel.publish(HEARTBEATS_EXCHANGE, '', encode(heartbeat), {
        contentType: 'application/json',
        userId: this.connection.user,
        expiration: String(3 * HEARTBEAT_INTERVAL_MS),
      });
    } catch (error) {
      this.log.warn(`heartbeat not sent: ${errorMessage(error)}`, { kind: 'bus' });
    }
  }
}

/** Ack or drop on the channel that delivered it; after a reconnect that channel is gone and the broker redelivers. */
function settle(channel: Channel, message: ConsumeMessage, ok: boolean): void {
  try {
    if (ok) channel.ack(message);
    else channel.nack(message, false, false);
  } catch {
    // channel closed: the message comes again on the new channel
  }
}

/** Which commands must keep their order among themselves: those about one container, the threshold's, the mode's. */
function laneOf(command: Exclude<Command, { kind: 'list_request' }>): string {
  return command.kind === 'actives' || command.kind === 'policy' ? `container ${command.name}` : command.kind;
}

function commandFields(command: Command): object {
  if (command.kind === 'threshold') return { threshold: command.threshold };
  if (command.kind === 'actives') return { container: command.name, monitored: command.monitored };
  if (command.kind === 'policy') return { container: command.name, policy: command.policy };
  if (command.kind === 'mode') return { dryRun: command.dryRun };
  return {};
}

/** An applied command in a few words, for its event. */
function describeCommand(command: Exclude<Command, { kind: 'list_request' }>): string {
  switch (command.kind) {
    case 'threshold':
      return `threshold ${command.threshold}%`;
    case 'actives':
      return `${command.monitored ? 'monitor' : 'unmonitor'} ${command.name}`;
    case 'policy':
      return Object.keys(command.policy).length === 0
        ? `policy of ${command.name} removed`
        : `policy of ${command.name}: ${Object.entries(command.policy)
            .map(([k, v]) => `${k} ${String(v)}`)
            .join(', ')}`;
    case 'mode':
      return command.dryRun ? 'observe only (dry run)' : 'heal (dry run off)';
  }
}
