/**
 * Restart-storm guard, free of I/O: at most `maxRestarts` (or the container's own limit) restarts of
 * a container in any window of `windowMs`; past that the container is left alone for an
 * exponentially growing backoff (base, 2x base, 4x base, ... up to maxBackoffMs), and at least
 * until the window has room again. A container that goes a whole window without a restart after
 * its backoff starts again from the first backoff step.
 */
import type { SavedBudget } from '../ports.js';

export type { SavedBudget };

export interface RestartPolicy {
  maxRestarts: number;
  windowMs: number;
  baseBackoffMs: number;
  maxBackoffMs: number;
}

export type Admission = { admitted: true } | { admitted: false; until: number; enteredBackoff: boolean; backoffMs: number };

interface History {
  restarts: number[];
  lastRestartAt: number;
  level: number;
  blockedUntil: number;
}

/** What to log when the guard holds a heal back: the message and the backoff's end as an ISO time. */
export function backoffNotice(
  name: string,
  action: string,
  held: Extract<Admission, { admitted: false }>,
  policy: RestartPolicy,
  maxRestarts = policy.maxRestarts,
): { message: string; until: string } {
  const until = new Date(held.until).toISOString();
  const message = held.enteredBackoff
    ? `${name}: too many restarts (${maxRestarts} in ${policy.windowMs} ms); backing off ${held.backoffMs} ms, until ${until}`
    : `${name}: ${action} held back, in backoff until ${until}`;
  return { message, until };
}

export class RestartGuard {
  private readonly histories = new Map<string, History>();

  /** `saved`: the budgets of a previous run, so an agent restarted during a restart storm does not start it over. */
  constructor(
    private readonly policy: RestartPolicy,
    saved: Record<string, SavedBudget> = {},
  ) {
    for (const [name, b] of Object.entries(saved))
      this.histories.set(name, {
        restarts: [...b.restarts],
        lastRestartAt: b.lastRestartAt ?? -Infinity,
        level: b.level,
        blockedUntil: b.blockedUntil,
      });
  }

  /** The budgets that still matter at `now` (a restart within the window, a backoff not over, a level not yet reset), to be saved. */
  saved(now: number): Record<string, SavedBudget> {
    const out: Record<string, SavedBudget> = {};
    for (const [name, h] of this.histories) {
      if (now - h.lastRestartAt >= this.policy.windowMs && now >= h.blockedUntil) continue;
      out[name] = {
        restarts: h.restarts.filter((at) => at > now - this.policy.windowMs),
        ...(Number.isFinite(h.lastRestartAt) ? { lastRestartAt: h.lastRestartAt } : {}),
        level: h.level,
        blockedUntil: h.blockedUntil,
      };
    }
    return out;
  }

  /**
   * Asks to restart `name` at `now`; when admitted, the restart is counted. `maxRestarts`: the
   * container's own limit. At most that many are admitted in any window of `windowMs`: past it,
   * the container is left alone until both its backoff is over and the window has room again (the
   * oldest restart that counts leaves it), so a backoff ending never starts the count over.
   */
  admit(name: string, now: number, maxRestarts = this.policy.maxRestarts): Admission {
    const history = this.history(name);
    if (now < history.blockedUntil) {
      return { admitted: false, until: history.blockedUntil, enteredBackoff: false, backoffMs: history.blockedUntil - now };
    }
    history.restarts = history.restarts.filter((at) => at > now - this.policy.windowMs);
    // Quiet for a whole window while it could have been restarted: the next storm starts from the first step.
    if (history.restarts.length === 0 && now - Math.max(history.lastRestartAt, history.blockedUntil) >= this.policy.windowMs)
      history.level = 0;
    if (history.restarts.length >= maxRestarts) {
      const backoffEnds = now + Math.min(this.policy.baseBackoffMs * 2 ** history.level, this.policy.maxBackoffMs);
      const windowHasRoom = (history.restarts[history.restarts.length - maxRestarts] ?? now) + this.policy.windowMs;
      history.level += 1;
      history.blockedUntil = Math.max(backoffEnds, windowHasRoom);
      return { admitted: false, until: history.blockedUntil, enteredBackoff: true, backoffMs: history.blockedUntil - now };
    }
    history.restarts.push(now);
    history.lastRestartAt = now;
    return { admitted: true };
  }

  /** Takes back a restart admitted at `at` that did nothing (the container was running again already): it does not count. */
  undo(name: string, at: number): void {
    const history = this.histories.get(name);
    if (!history) return;
    const i = history.restarts.lastIndexOf(at);
    if (i >= 0) history.restarts.splice(i, 1);
  }

  /** The end of the current backoff, or null when the container may be restarted. */
  backoffUntil(name: string, now: number): number | null {
    const until = this.histories.get(name)?.blockedUntil ?? 0;
    return now < until ? until : null;
  }

  forget(name: string): void {
    this.histories.delete(name);
  }

  private history(name: string): History {
    let history = this.histories.get(name);
    if (!history) {
      history = { restarts: [], lastRestartAt: -Infinity, level: 0, blockedUntil: 0 };
      this.histories.set(name, history);
    }
    return history;
  }
}
