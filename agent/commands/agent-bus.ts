/**
 * The agent's side of the bus: its durable command queue (a command is applied only if it is
 * well formed and control sent it; what then becomes of it is command-runner.ts's), replies to
 * the requester, heartbeats and events. The check loop does not depend on it: while the broker is away the agent keeps
 * healing, and this reconnects by itself.
 */
import { silencesDigest } from '../../bus/silences.js';
import type { Channel, ConsumeMessage } from 'amqplib';
import { BusConnection, type Dial } from '../../bus/connection.js';
import { Complaints } from '../../bus/complaints.js';
import { EventPublisher } from '../../bus/event-publisher.js';
import { encode, parseCommand, type Event, type Heartbeat, type Reply } from '../../bus/messages.js';
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
import { CommandRunner } from './command-runner.js';
import { factsOf } from './command-facts.js';
import type { HostResources } from '../engine/host-resources.js';
import type { Watchdog } from '../watchdog.js';

export class AgentBus {
  private readonly connection: BusConnection;
  /** Lanes, redeliveries, the log and events of commands: the transport only receives and answers. */
  private readonly commands: CommandRunner;
  private cancelHeartbeat: (() => void) | null = null;
  private readonly events: EventPublisher;
  /** Malformed and foreign commands, logged per sender at a bounded rate (a flood is a line or two a minute). */
  private readonly complaints = new Complaints();

  constructor(
    url: string,
    private readonly hostname: string,
    handler: CommandHandler,
    private readonly watchdog: Watchdog,
    private readonly log: Log,
    private readonly clock: Clock,
    dial?: Dial,
    /** The only broker user whose commands this agent applies (RabbitMQ vouches for a message's user_id). */
    private readonly controlUser = CONTROL_USER,
    /** The host's own health, its latest sample in every heartbeat; without it heartbeats carry none. */
    private readonly host?: { readonly latest: HostResources['latest'] },
  ) {
    this.connection = new BusConnection(url, `agent ${hostname}`, (channel) => this.setup(channel), log, clock, dial);
    this.events = new EventPublisher(() => this.connection.channel, log, this.connection.user);
    this.commands = new CommandRunner(handler, hostname, log, clock, (event) => this.publishEvent(event));
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
    await this.commands.settled();
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
    const changesHost = factsOf(command).lane !== null;
    const answer = (reply: Reply): void => {
      // A change is in a heartbeat before its confirmation leaves: what GET /hosts shows is never a change behind.
      if (changesHost && reply.kind === 'ack' && reply.ok) this.publishHeartbeat(channel, false);
      if (replyTo) this.reply(channel, replyTo, correlationId, reply);
    };
    this.commands.run(command, { correlationId, commandId: messageId }, answer, () => settle(channel, message, true));
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
    const now = this.clock.now();
    const heartbeat: Heartbeat = {
      kind: 'heartbeat',
      hostname: this.hostname,
      sentAt: new Date(now).toISOString(),
      // What it holds: control sends the silences again when this is not the digest of its own list for this host.
      silences: silencesDigest(this.watchdog.watchList.silences, now),
      threshold,
      monitored: this.watchdog.policies.monitoredNames().length,
      ...(dryRun ? { dryRun } : {}),
      ...(leaving ? { leaving } : {}),
      ...(this.host?.latest ? { resources: this.host.latest } : {}),
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
