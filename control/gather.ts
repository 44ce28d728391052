/**
 * Scatter-gather bookkeeping: each request waits for replies from the hosts it expects, and ends
 * as soon as all of them answered or at its deadline. Replies are matched by correlation id, so
 * concurrent requests never mix; a reply for a finished request is dropped. No I/O.
 */
import type { Reply } from '../bus/messages.js';
import type { Clock } from '../shared/clock.js';
import type { Gathered } from './ports.js';

interface Pending {
  expected: Set<string>;
  replies: Map<string, Reply>;
  finish: () => void;
}

export class ReplyGatherer {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  gather(correlationId: string, expected: readonly string[], timeoutMs: number): Promise<Gathered> {
    return new Promise((resolve) => {
      const replies = new Map<string, Reply>();
      const expectedSet = new Set(expected);
      let cancelTimer = (): void => undefined;
      const finish = (): void => {
        cancelTimer();
        this.pending.delete(correlationId);
        const answered = [...replies.keys()].sort();
        resolve({ replies: answered.map((h) => replies.get(h) as Reply), answered, silent: [...expectedSet].filter((h) => !replies.has(h)).sort() });
      };
      this.pending.set(correlationId, { expected: expectedSet, replies, finish });
      if (expectedSet.size === 0) return finish();
      cancelTimer = this.clock.setTimeout(finish, timeoutMs);
    });
  }

  /** Records a reply; false when no request is waiting for it (late, or unknown). */
  deliver(correlationId: string, reply: Reply): boolean {
    const pending = this.pending.get(correlationId);
    if (!pending) return false;
    pending.replies.set(reply.hostname, reply);
    if ([...pending.expected].every((h) => pending.replies.has(h))) pending.finish();
    return true;
  }

  /** Ends a request early (e.g. it could not be sent). */
  abandon(correlationId: string): void {
    this.pending.get(correlationId)?.finish();
  }
}
