/**
 * Continuous probing with fping's loop mode (-l). Two pools of long-running processes: one pings
 * every target at the steady period, the other the targets under suspicion at the fast period.
 *
 * A process is never restarted to add or drop a target: a new target gets a new small process,
 * and a process goes when none of its targets is wanted any more. Only when a pool holds too many
 * processes (every raw ICMP socket receives a copy of every reply, so N processes cost N x the
 * replies: measured, 150 of them took both cores) are they replaced by one (compaction), at most
 * once per `compactEveryMs`.
 *
 * What a probe's outcome is comes from fping's per-target sequence numbers, not from its "timed
 * out" lines: measured on the lab, an fping 5.1 process in loop mode stops printing timeouts after
 * some of its targets restart (it keeps printing replies, with the right numbers), so a container
 * losing 70 % looked like one losing 20 %. A probe is settled (reply or lost) once the process has
 * had a reply to a later round by enough periods that no reply can still come (see ProbeLedger).
 * Settling by rounds, not by outcome, also keeps a stopped process from biasing the tests: what it
 * takes with it is the unsettled tail, replies and losses alike.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorMessage } from '../../shared/errors.js';
import { LineFifo } from './line-fifo.js';

export interface ProbeOutcome {
  ip: string;
  lost: boolean;
  rttMs: number | null;
  /** When the probe was sent (ms): it counts only for an instance watched by then. */
  sentAt?: number;
}

/** Probes of one address whose outcome is unknown: the prober itself did not hear their round. */
export interface ProbeGap {
  ip: string;
  probes: number;
}

/** Where a continuous prober sends what it learns. */
export interface ProbeSink {
  /** A settled probe: evidence. */
  outcome(outcome: ProbeOutcome): void;
  /** Probes that are no evidence either way (the prober was deaf in their rounds). */
  gap?(gap: ProbeGap): void;
  /** An early sign of loss at this address (a timeout line), before its probe is settled. */
  hint(ip: string): void;
  error(message: string): void;
  /** Something worth a line in the log that is not a fault (the steady period changed). */
  info?(message: string): void;
}

export interface LoopProber {
  /** The addresses to probe at the steady rate, and those to probe fast as well. */
  setTargets(steady: readonly string[], fast: readonly string[]): void;
  close(): void;
}

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

export interface PoolPlan {
  /** Addresses for one new process, or null. */
  start: string[] | null;
  /** Indexes of the running processes to stop. */
  stop: number[];
  /** Every running process is replaced by the new one. */
  compact: boolean;
  /** Wanted addresses that stay unprobed until compaction is allowed again. */
  waiting: number;
}

/**
 * What to start and stop so every wanted address is probed by a pool, given the targets of its
 * running processes. Free of I/O. A process with no wanted target is stopped; missing addresses
 * get one new process; the pool is compacted into one process when that would exceed
 * `maxProcesses`, or when most of what it probes is no longer wanted.
 */
export function planPool(
  running: readonly (readonly string[])[],
  wanted: ReadonlySet<string>,
  limits: { maxProcesses: number; compactAllowed: boolean; settled?: boolean },
): PoolPlan {
  const stop: number[] = [];
  const covered = new Set<string>();
  let live = 0;
  let unwanted = 0;
  running.forEach((targets, index) => {
    const kept = targets.filter((ip) => wanted.has(ip));
    if (kept.length === 0) return void stop.push(index);
    live++;
    unwanted += targets.length - kept.length;
    for (const ip of kept) covered.add(ip);
  });
  const missing = [...wanted].filter((ip) => !covered.has(ip)).sort();
  const crowded = missing.length > 0 && live >= limits.maxProcesses;
  const wasteful = unwanted >= 8 && unwanted > wanted.size;
  // Once the targets have stopped changing, several processes become one: each raw socket gets every reply.
  const tidy = limits.settled === true && live > 1;
  if (crowded || wasteful || tidy) {
    if (limits.compactAllowed) return { start: [...wanted].sort(), stop: running.map((_, index) => index), compact: true, waiting: 0 };
    return { start: null, stop, compact: false, waiting: crowded ? missing.length : 0 };
  }
  return { start: missing.length > 0 ? missing : null, stop, compact: false, waiting: 0 };
}

/**
 * Targets unchanged for this long: a pool of several processes becomes one. Measured at 1,000
 * containers: after three were killed and healed, the new process for their addresses added a
 * third to probing's cost for as long as it ran.
 */
const SETTLED_MS = 10_000;

/** A process whose canary has not answered for this long cannot hear: it is replaced. */
const STALL_MS = 3000;

/** One fping process and the ledger that settles its probes. */
class FpingProcess {
  private readonly child: ChildProcess;
  private readonly ledger: ProbeLedger;
  /** Its output, read on the tick; null where no FIFO could be made (then read as it comes). */
  private readonly lines: LineFifo | null;
  private readonly tick: NodeJS.Timeout;
  /** When a reply of the canary was last read. */
  private lastHeardAt = Date.now();
  private stopped = false;

  constructor(
    readonly targets: readonly string[],
    periodMs: number,
    timeoutMs: number,
    canary: string,
    private readonly sink: ProbeSink,
    private readonly onExit: (message: string) => void,
  ) {
    this.ledger = new ProbeLedger(targets, Math.ceil(timeoutMs / periodMs) + 1, canary);
    // -l: loop; -p: period per target; -t: reply timeout; -r 0: no retries; -i 0.1: 0.1 ms between any two packets
    // (fping's default 10 ms, or 1 ms, caps a process at 100 or 1,000 probes a second: measured, 240 targets at
    // 4/s and 150 at 20/s each got a fraction of their rate); -D: each line says when fping printed it.
    this.lines = openLineFifo(sink);
    const args = [
      '-l',
      '-D',
      '-p',
      String(periodMs),
      '-t',
      String(timeoutMs),
      '-r',
      '0',
      '-i',
      '0.1',
      canary,
      ...targets.filter((ip) => ip !== canary),
    ];
    this.child = spawn('fping', args, { stdio: ['ignore', this.lines?.childEnd ?? 'pipe', 'pipe'] });
    this.lines?.childStarted();
    if (!this.lines) createInterface({ input: this.child.stdout! }).on('line', (text) => this.line(text));
    this.tick = setInterval(() => this.settle(), Math.max(10, Math.min(50, periodMs / 2)));
    this.tick.unref();
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
    this.child.on('error', (error) => this.exited(`fping could not start: ${error.message}`));
    this.child.on('exit', (code, signal) => this.exited(`fping exited (${signal ?? code}): ${stderr.trim().split('\n').pop() ?? ''}`));
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Its unsettled probes go with it: replies and losses alike, so no test is biased. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.tick);
    this.child.kill();
    this.lines?.close();
  }

  /** Ended other than by stop(): what it sent and could not settle is a gap; the pool starts its targets again. */
  private exited(message: string): void {
    if (!this.stopped) {
      for (const gap of this.ledger.abandon()) this.sink.gap?.(gap);
      this.onExit(message);
    }
    this.stop();
  }

  private line(text: string): void {
    const line = parseLoopLine(text);
    if (!line || this.stopped) return;
    const now = Date.now();
    if (line.ip === this.ledger.canary) {
      if (!line.lost) this.lastHeardAt = now;
    } else if (line.lost) this.sink.hint(line.ip); // a sign of loss: probe it fast at once, though the probe is not settled yet
    this.ledger.record(line, now);
  }

  private settle(): void {
    try {
      this.lines?.drain((text) => this.line(text));
    } catch (error) {
      return this.exited(`fping's output could not be read: ${errorMessage(error)}`);
    }
    if (this.stopped) return;
    if (Date.now() - this.lastHeardAt > STALL_MS)
      return this.exited(
        `fping heard nothing from its canary ${this.ledger.canary} for ${STALL_MS / 1000} s (no loss is counted meanwhile)`,
      );
    const { outcomes, gaps } = this.ledger.settleAll();
    for (const outcome of outcomes) this.sink.outcome(outcome);
    for (const gap of gaps) this.sink.gap?.(gap);
  }
}

let fifoRefusalSaid = false;

/** A FIFO for a new process's lines, or null (said once) where none can be made. */
function openLineFifo(sink: ProbeSink): LineFifo | null {
  try {
    return new LineFifo();
  } catch (error) {
    if (!fifoRefusalSaid) sink.error(`fping's lines are read as they come, at a higher CPU cost: ${errorMessage(error)}`);
    fifoRefusalSaid = true;
    return null;
  }
}

class FpingPool {
  private processes: FpingProcess[] = [];
  private wanted = new Set<string>();
  private lastCompaction = 0;
  private lastChange = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When the pending apply runs. */
  private timerAt = 0;
  private closed = false;

  constructor(
    private readonly options: { periodMs: number; timeoutMs: number; canary: string; maxProcesses: number; compactEveryMs: number },
    private readonly sink: ProbeSink,
  ) {}

  /** Applied a moment later, so a burst of changes becomes one new process. */
  want(ips: readonly string[]): void {
    const wanted = new Set(ips);
    if (wanted.size !== this.wanted.size || ips.some((ip) => !this.wanted.has(ip))) this.lastChange = Date.now();
    this.wanted = wanted;
    this.schedule(20);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.processes) p.stop();
    this.processes = [];
  }

  /**
   * An apply in `ms`, unless one is due sooner. A later one gives way: the tidy-up timer (up to
   * SETTLED_MS away) must not hold back a new target, which waited for it (seen: a silent container
   * probed fast only after up to 10 s, its verdict 6.4 s instead of 1.1 s).
   */
  private schedule(ms: number): void {
    if (this.closed) return;
    const at = Date.now() + ms;
    if (this.timer && this.timerAt <= at) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.apply();
    }, ms);
    this.timer.unref();
  }

  private apply(): void {
    if (this.closed) return;
    this.processes = this.processes.filter((p) => p.running);
    const now = Date.now();
    const settled = now - this.lastChange >= SETTLED_MS;
    const plan = planPool(
      this.processes.map((p) => p.targets),
      this.wanted,
      { maxProcesses: this.options.maxProcesses, compactAllowed: now - this.lastCompaction >= this.options.compactEveryMs, settled },
    );
    if (plan.compact) this.lastCompaction = now;
    // The new process first, then the old ones go: no gap in probing.
    const started = plan.start
      ? [
          new FpingProcess(plan.start, this.options.periodMs, this.options.timeoutMs, this.options.canary, this.sink, (message) =>
            this.exited(message),
          ),
        ]
      : [];
    const stopping = new Set(plan.stop);
    for (const index of stopping) this.processes[index]!.stop();
    this.processes = [...this.processes.filter((_, index) => !stopping.has(index)), ...started];
    if (plan.waiting > 0) this.schedule(this.lastCompaction + this.options.compactEveryMs - now);
    else if (this.processes.length > 1) this.schedule(Math.max(20, this.lastChange + SETTLED_MS - now));
  }

  private exited(message: string): void {
    this.sink.error(`${message}; starting it again`);
    this.schedule(500);
  }
}

/**
 * The steady period for `count` targets: the configured one while the host's probe budget (steady
 * probes a second, all targets together) allows it, else the smallest multiple of it that keeps
 * within the budget: fping costs about 5 % of a core per 1,000 probes a second (measured), so the
 * cost of probing stays bounded however many containers a host runs, and a big host's containers
 * are each probed less often. The period comes down again only when 10 % more targets would still
 * fit, so a container restarting at the boundary does not swap the pool back and forth.
 */
export function steadyPeriodFor(count: number, basePeriodMs: number, budgetPerSecond: number, currentMs: number): number {
  const needed = (n: number): number => Math.max(1, Math.ceil((n * 1000) / budgetPerSecond / basePeriodMs)) * basePeriodMs;
  const wanted = needed(count);
  if (wanted >= currentMs) return wanted;
  const withRoom = needed(Math.ceil(count * 1.1));
  return withRoom < currentMs ? withRoom : currentMs;
}

export interface LoopProberOptions {
  steadyPeriodMs: number;
  fastPeriodMs: number;
  timeoutMs: number;
  /** Steady probes a second for all targets together; beyond it the steady period grows (steadyPeriodFor). */
  budgetPerSecond: number;
  /** Probed by every process beside its targets: its replies prove the prober could hear (ProbeLedger). */
  canary: string;
}

export class FpingLoopProber implements LoopProber {
  private steady: FpingPool;
  private readonly fast: FpingPool;
  private steadyPeriodMs: number;

  constructor(
    private readonly options: LoopProberOptions,
    private readonly sink: ProbeSink,
  ) {
    this.steadyPeriodMs = options.steadyPeriodMs;
    this.steady = this.steadyPool();
    this.fast = new FpingPool(
      { periodMs: options.fastPeriodMs, timeoutMs: options.timeoutMs, canary: options.canary, maxProcesses: 6, compactEveryMs: 1000 },
      sink,
    );
  }

  setTargets(steady: readonly string[], fast: readonly string[]): void {
    const period = steadyPeriodFor(steady.length, this.options.steadyPeriodMs, this.options.budgetPerSecond, this.steadyPeriodMs);
    if (period !== this.steadyPeriodMs) {
      this.sink.info?.(
        `probing ${steady.length} container(s) every ${period} ms, not ${this.steadyPeriodMs} ms (probe budget ${this.options.budgetPerSecond}/s)`,
      );
      this.steadyPeriodMs = period;
      this.steady.close();
      this.steady = this.steadyPool();
    }
    this.steady.want(steady);
    this.fast.want(fast);
  }

  close(): void {
    this.steady.close();
    this.fast.close();
  }

  private steadyPool(): FpingPool {
    return new FpingPool(
      {
        periodMs: this.steadyPeriodMs,
        timeoutMs: this.options.timeoutMs,
        canary: this.options.canary,
        maxProcesses: 3,
        compactEveryMs: 2000,
      },
      this.sink,
    );
  }
}
