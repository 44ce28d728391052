/** An fping loop process's lines, and the ledger that turns them into evidence. Free of I/O: time comes in with each line. */
import type { ProbeGap, ProbeOutcome } from './loop-prober.js';

export interface LoopLine extends ProbeOutcome {
  /** fping's round for this target: the n-th probe sent to it by this process. */
  round: number;
  /** When fping printed it (fping -D), ms since the epoch; for a reply, when it came. */
  at?: number;
}

/**
 * `[1796632255.99077] 172.17.0.2 : [3], 64 bytes, 0.05 ms (0.05 avg, 0% loss)` or
 * `... : [4], timed out (...)`; the timestamp (fping -D) is optional.
 */
export function parseLoopLine(line: string): LoopLine | null {
  const match = /^(?:\[(\d+(?:\.\d+)?)\]\s+)?(\S+)\s+:\s+\[(\d+)\],\s+(?:\d+ bytes,\s+([\d.]+) ms|(timed out))/.exec(line);
  if (!match?.[2]) return null;
  const round = Number(match[3]);
  const at = match[1] === undefined ? {} : { at: Math.round(Number(match[1]) * 1000) };
  return match[5]
    ? { ip: match[2], round, lost: true, rttMs: null, ...at }
    : { ip: match[2], round, lost: false, rttMs: Number(match[4]), ...at };
}

/** What one settling of a ledger gives: evidence, and the probes that are none. */
export interface Settled {
  outcomes: ProbeOutcome[];
  gaps: ProbeGap[];
}

/**
 * One fping process's probes, settled in order per target. Free of I/O.
 *
 * Every process also probes a canary (loopback by default), which always answers while the prober
 * itself works: its reply to round n proves that fping sent round n and heard replies on its
 * socket, and that its lines reached us. A probe is evidence only then: a reply if one came, else
 * lost. A round the canary did not answer is a gap in the prober's hearing (fping starved or
 * stopped, its socket's buffer overrun, its output backed up): every target's probe of that
 * round is unknown, replies included, so the rounds kept are chosen by the prober's health alone
 * and the sample stays unbiased. Rounds settle once the canary has answered a round settleLag
 * rounds later (fping sends round n to all its targets within one period, and a reply comes
 * within the timeout, so by then every reply of round n has had its chance).
 */
export class ProbeLedger {
  private readonly next = new Map<string, number>();
  private readonly replies = new Map<string, Map<number, number>>();
  /** When each round the canary answered was sent. */
  private readonly heard = new Map<number, number>();
  private highestHeard = -1;
  /** Every target is settled up to this round: settleAll has nothing to do until a later round is heard. */
  private settledUpTo = -1;
  /** The latest round fping printed a line for (reply or timeout, any address): it was sent. */
  private highestSent = -1;

  constructor(
    targets: readonly string[],
    /** Rounds between a probe and its settling: ceil(timeout / period) + 1. */
    readonly settleLag: number,
    /** The address whose replies prove the prober could hear. */
    readonly canary: string,
  ) {
    for (const ip of targets) {
      this.next.set(ip, 0);
      this.replies.set(ip, new Map());
    }
  }

  /** A line from the process (read at `now`). Only replies matter: timeouts settle nothing. */
  record(line: LoopLine, now: number): void {
    this.highestSent = Math.max(this.highestSent, line.round);
    if (line.lost) return;
    if (line.ip === this.canary) {
      this.heard.set(line.round, (line.at ?? now) - (line.rttMs ?? 0));
      this.highestHeard = Math.max(this.highestHeard, line.round);
      return;
    }
    const next = this.next.get(line.ip);
    if (next === undefined || line.round < next) return;
    this.replies.get(line.ip)?.set(line.round, line.rttMs ?? 0);
  }

  /** The rounds heard since the last call, up to settleLag before the latest, for every target. */
  settleAll(): Settled {
    const upTo = this.highestHeard - this.settleLag;
    if (upTo <= this.settledUpTo) return { outcomes: [], gaps: [] };
    this.settledUpTo = upTo;
    const settled: Settled = { outcomes: [], gaps: [] };
    for (const ip of this.next.keys()) this.settle(ip, upTo, settled);
    for (const round of this.heard.keys()) if (round < upTo - 64) this.heard.delete(round);
    return settled;
  }

  /**
   * The process is given up (deaf, or gone): every round it printed but never settled is a gap for
   * each target, replies included (keeping only them would bias the tests).
   */
  abandon(): ProbeGap[] {
    const gaps: ProbeGap[] = [];
    for (const [ip, next] of this.next) {
      if (this.highestSent >= next) gaps.push({ ip, probes: this.highestSent - next + 1 });
      this.next.set(ip, this.highestSent + 1);
      this.replies.get(ip)?.clear();
    }
    return gaps;
  }

  private settle(ip: string, upTo: number, into: Settled): void {
    const next = this.next.get(ip) ?? 0;
    const replies = this.replies.get(ip);
    if (upTo < next || !replies) return;
    let unheard = 0;
    for (let round = next; round <= upTo; round++) {
      const rtt = replies.get(round);
      replies.delete(round);
      const sentAt = this.heard.get(round);
      if (sentAt === undefined) unheard++;
      else into.outcomes.push(rtt === undefined ? { ip, lost: true, rttMs: null, sentAt } : { ip, lost: false, rttMs: rtt, sentAt });
    }
    if (unheard > 0) into.gaps.push({ ip, probes: unheard });
    this.next.set(ip, upTo + 1);
  }
}
