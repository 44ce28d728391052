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
import { FpingProcess } from './fping-process.js';
import type { LoopProber, ProbeSink } from './loop-prober.js';
import { planPool, steadyPeriodFor } from './pool-plan.js';

/**
 * Targets unchanged for this long: a pool of several processes becomes one. Measured at 1,000
 * containers: after three were killed and healed, the new process for their addresses added a
 * third to probing's cost for as long as it ran.
 */
const SETTLED_MS = 10_000;

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
