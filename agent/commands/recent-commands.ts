/**
 * The ids of the commands this agent applied lately, with the reply each got, so a redelivered
 * command (the broker sends it again when its ack was lost with a connection) is answered again
 * but not applied again. Bounded: the oldest ids are forgotten first. No I/O.
 */
import type { Reply } from '../../bus/messages.js';

export const RECENT_COMMANDS = 1000;

export class RecentCommands {
  private readonly replies = new Map<string, Reply | null>();

  constructor(private readonly capacity = RECENT_COMMANDS) {}

  /** Whether the command with this id was applied, and the reply it got then. */
  applied(id: string): { reply: Reply | null } | null {
    return this.replies.has(id) ? { reply: this.replies.get(id) ?? null } : null;
  }

  record(id: string, reply: Reply | null): void {
    this.replies.set(id, reply);
    if (this.replies.size > this.capacity) {
      const oldest = this.replies.keys().next().value;
      if (oldest !== undefined) this.replies.delete(oldest);
    }
  }
}
