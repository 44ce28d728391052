/**
 * Scatter-gather bookkeeping: each request waits for replies from the hosts it expects, and ends
 * as soon as all of them answered or at its deadline. Replies are matched by correlation id, so
 * concurrent requests never mix; a reply for a finished request is dropped. No I/O.
 */
import type { Reply } from '../bus/messages.js';
import type { Clock } from '../shared/clock.js';
import type { Gathered } from './ports.js';

export type GatheredReplies<T> = Omit<Gathered<T>, 'commandId'>;

interface Pending {
  expected: Set<string>;
  /** What is kept of each host's reply. */
  replies: Map<string, unknown>;
  digest: (reply: Reply) => unknown;
  finish: () => void;
}

const whole = (reply: Reply): Reply => reply;

export class ReplyGatherer {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly clock: Clock) {}

  /** Waits for the replies of `expected`; `digest` makes what is kept of each as it arrives (default: the reply). */
  gather<T = Reply>(
    correlationId: string,
    expected: readonly string[],
    timeoutMs: number,
    digest: (reply: Reply) => T = whole as (reply: Reply) => T,
  ): Promise<GatheredReplies<T>> {
    return new Promise((resolve) => {
      const replies = new Map<string, T>();
      const expectedSet = new Set(expected);
      let cancelTimer = (): void => undefined;
      const finish = (): void => {
        cancelTimer();
        this.pending.delete(correlationId);
        const answered = [...replies.keys()].sort();
        resolve({
          replies: answered.map((h) => replies.get(h) as T),
          answered,
          silent: [...expectedSet].filter((h) => !replies.has(h)).sort(),
        });
      };
      this.pending.set(correlationId, { expected: expectedSet, replies: replies as Map<string, unknown>, digest, finish });
      if (expectedSet.size === 0) return finish();
      cancelTimer = this.clock.setTimeout(finish, timeoutMs);
    });
  }

  /** Records a reply; false when no request is waiting for it (late, or unknown). */
  deliver(correlationId: string, reply: Reply): boolean {
    const pending = this.pending.get(correlationId);
    if (!pending) return false;
    pending.replies.set(reply.hostname, pending.digest(reply));
    if (pending.replies.size >= pending.expected.size && [...pending.expected].every((h) => pending.replies.has(h))) pending.finish();
    return true;
  }

  /** Ends a request early (e.g. it could not be sent). */
  abandon(correlationId: string): void {
    this.pending.get(correlationId)?.finish();
  }
}
