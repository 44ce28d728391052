/**
 * What becomes of a command the transport accepted: state-changing commands in lanes (the commands
 * of one lane are applied one at a time in the order they arrive; lanes do not wait for each
 * other, so a command waiting on a hung engine, about one container, holds nothing else), queries
 * at once; a redelivery answered again and not applied again; every outcome logged, and a
 * command's outcome, applied or refused, told as an event naming its id (a caller whose answer
 * came too late, a 504, reads it there).
 */
import type { Command, Event, Reply } from '../../bus/messages.js';
import type { Clock } from '../../shared/clock.js';
import { errorMessage } from '../../shared/errors.js';
import type { Log } from '../ports.js';
import type { CommandHandler } from './command-handler.js';
import { factsOf } from './command-facts.js';
import { RecentCommands } from './recent-commands.js';

export interface CommandMeta {
  correlationId?: string | undefined;
  /** The message id control gave the command. */
  commandId?: string | undefined;
}

export class CommandRunner {
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly recent = new RecentCommands();

  constructor(
    private readonly handler: CommandHandler,
    private readonly hostname: string,
    private readonly log: Log,
    private readonly clock: Clock,
    private readonly publish: (event: Event) => void,
  ) {}

  /** `answer` replies to the requester (when it asked for a reply); `done` settles the message, once the command is through. */
  run(command: Command, meta: CommandMeta, answer: (reply: Reply) => void, done: () => void): void {
    const lane = factsOf(command).lane;
    const apply = (): Promise<void> => this.apply(command, meta, answer).finally(done);
    if (lane === null) void apply();
    else this.enqueue(lane, apply);
  }

  /** Every command under way is through. */
  async settled(): Promise<void> {
    await Promise.all(this.lanes.values());
  }

  private enqueue(lane: string, apply: () => Promise<void>): void {
    const next = (this.lanes.get(lane) ?? Promise.resolve()).then(apply);
    this.lanes.set(lane, next);
    void next.then(() => {
      if (this.lanes.get(lane) === next) this.lanes.delete(lane);
    });
  }

  private async apply(command: Command, { correlationId, commandId }: CommandMeta, answer: (reply: Reply) => void): Promise<void> {
    const facts = factsOf(command);
    try {
      const before = commandId ? this.recent.applied(commandId) : null;
      if (before) {
        // A redelivery (its first ack was lost with a connection): answer again, apply nothing.
        const fields = { kind: 'command', command: command.kind, correlationId, commandId, outcome: 'duplicate' };
        this.log.info(`command ${command.kind} ${commandId ?? ''} was applied already: answered again, not applied again`, fields);
        if (before.reply) answer(before.reply);
        return;
      }
      const reply = await this.handler.handle(command);
      if (commandId && facts.lane !== null) this.recent.record(commandId, reply);
      const outcome = reply === null ? 'ignored' : reply.kind === 'ack' && !reply.ok ? `refused: ${reply.message}` : 'done';
      const fields = { kind: 'command', command: command.kind, correlationId, commandId, outcome, ...facts.fields };
      this.log.info(`command ${command.kind}: ${outcome}`, fields);
      if (reply) answer(reply);
      if (reply?.kind !== 'ack' || facts.lane === null) return;
      const refused = reply.ok ? {} : { outcome: 'failed' as const, reason: reply.message ?? reply.error ?? 'refused' };
      this.publish({
        kind: 'event',
        type: 'command',
        at: new Date(this.clock.now()).toISOString(),
        host: this.hostname,
        command: command.kind as Exclude<Command['kind'], 'list_request'>,
        detail: facts.detail,
        ...(facts.container === undefined ? {} : { container: facts.container }),
        ...refused,
        ...('by' in command && command.by !== undefined ? { by: command.by } : {}),
        ...(commandId ? { commandId } : {}),
      });
    } catch (error) {
      this.log.error(`command ${command.kind} failed: ${errorMessage(error)}`, { kind: 'command', command: command.kind, correlationId });
    }
  }
}
