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
 * A stopped process takes its pending probes with it: replies come within a millisecond but
 * losses only at the timeout, so what it takes is mostly losses. To keep the tests unbiased, a
 * reply is handed on only once a loss of the same probe would have been (timeout after it came);
 * a stopped process's held replies are dropped with its pending losses.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProbeOutcome {
  ip: string;
  lost: boolean;
  rttMs: number | null;
}

export interface LoopProber {
  /** The addresses to probe at the steady rate, and those to probe fast as well. */
  setTargets(steady: readonly string[], fast: readonly string[]): void;
  close(): void;
}

/** `172.17.0.2 : [3], 64 bytes, 0.05 ms (0.05 avg, 0% loss)` or `172.17.0.2 : [4], timed out (...)`. */
export function parseLoopLine(line: string): ProbeOutcome | null {
  const match = /^(\S+)\s+:\s+\[\d+\],\s+(?:\d+ bytes,\s+([\d.]+) ms|(timed out))/.exec(line);
  if (!match?.[1]) return null;
  return match[3] ? { ip: match[1], lost: true, rttMs: null } : { ip: match[1], lost: false, rttMs: Number(match[2]) };
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
export function planPool(running: readonly (readonly string[])[], wanted: ReadonlySet<string>, limits: { maxProcesses: number; compactAllowed: boolean }): PoolPlan {
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
  if (crowded || wasteful) {
    if (limits.compactAllowed) return { start: [...wanted].sort(), stop: running.map((_, index) => index), compact: true, waiting: 0 };
    return { start: null, stop, compact: false, waiting: crowded ? missing.length : 0 };
  }
  return { start: missing.length > 0 ? missing : null, stop, compact: false, waiting: 0 };
}

/** One fping process; its replies are held for `timeoutMs` (see above). */
class FpingProcess {
  private readonly child: ChildProcess;
  private held: { at: number; outcome: ProbeOutcome }[] = [];
  private readonly release: NodeJS.Timeout;
  private stopped = false;

  constructor(
    readonly targets: readonly string[],
    periodMs: number,
    private readonly timeoutMs: number,
    private readonly onOutcome: (outcome: ProbeOutcome) => void,
    onExit: (message: string) => void,
  ) {
    // -l: loop; -p: period per target; -t: reply timeout; -r 0: no retries; -i 0.1: 0.1 ms between any two packets
    // (fping's default 10 ms, or 1 ms, caps a process at 100 or 1,000 probes a second: measured, 240 targets at
    // 4/s and 150 at 20/s each got a fraction of their rate).
    this.child = spawn('fping', ['-l', '-p', String(periodMs), '-t', String(timeoutMs), '-r', '0', '-i', '0.1', ...targets], { stdio: ['ignore', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout! }).on('line', (line) => {
      const outcome = parseLoopLine(line);
      if (!outcome || this.stopped) return;
      if (outcome.lost) this.onOutcome(outcome);
      else this.held.push({ at: Date.now(), outcome });
    });
    this.release = setInterval(() => this.releaseDue(), Math.max(10, Math.min(50, timeoutMs / 4)));
    this.release.unref();
    let stderr = '';
    this.child.stderr!.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
    this.child.on('error', (error) => {
      if (!this.stopped) onExit(`fping could not start: ${error.message}`);
      this.stop();
    });
    this.child.on('exit', (code, signal) => {
      if (!this.stopped) onExit(`fping exited (${signal ?? code}): ${stderr.trim().split('\n').pop() ?? ''}`);
      this.stop();
    });
  }

  get running(): boolean {
    return !this.stopped;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.release);
    this.held = [];
    this.child.kill();
  }

  private releaseDue(): void {
    const due = Date.now() - this.timeoutMs;
    let n = 0;
    while (n < this.held.length && this.held[n]!.at <= due) this.onOutcome(this.held[n++]!.outcome);
    if (n > 0) this.held = this.held.slice(n);
  }
}

class FpingPool {
  private processes: FpingProcess[] = [];
  private wanted = new Set<string>();
  private lastCompaction = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly options: { periodMs: number; timeoutMs: number; maxProcesses: number; compactEveryMs: number },
    private readonly onOutcome: (outcome: ProbeOutcome) => void,
    private readonly onError: (message: string) => void,
  ) {}

  /** Applied a moment later, so a burst of changes becomes one new process. */
  want(ips: readonly string[]): void {
    this.wanted = new Set(ips);
    this.schedule(20);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    for (const p of this.processes) p.stop();
    this.processes = [];
  }

  private schedule(ms: number): void {
    if (this.timer || this.closed) return;
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
    const plan = planPool(this.processes.map((p) => p.targets), this.wanted, { maxProcesses: this.options.maxProcesses, compactAllowed: now - this.lastCompaction >= this.options.compactEveryMs });
    if (plan.compact) this.lastCompaction = now;
    // The new process first, then the old ones go: no gap in probing.
    const started = plan.start ? [new FpingProcess(plan.start, this.options.periodMs, this.options.timeoutMs, this.onOutcome, (message) => this.exited(message))] : [];
    const stopping = new Set(plan.stop);
    for (const index of stopping) this.processes[index]!.stop();
    this.processes = [...this.processes.filter((_, index) => !stopping.has(index)), ...started];
    if (plan.waiting > 0) this.schedule(this.lastCompaction + this.options.compactEveryMs - now);
  }

  private exited(message: string): void {
    this.onError(`${message}; starting it again`);
    this.schedule(500);
  }
}

export class FpingLoopProber implements LoopProber {
  private readonly steady: FpingPool;
  private readonly fast: FpingPool;

  constructor(options: { steadyPeriodMs: number; fastPeriodMs: number; timeoutMs: number }, onOutcome: (outcome: ProbeOutcome) => void, onError: (message: string) => void) {
    this.steady = new FpingPool({ periodMs: options.steadyPeriodMs, timeoutMs: options.timeoutMs, maxProcesses: 3, compactEveryMs: 2000 }, onOutcome, onError);
    this.fast = new FpingPool({ periodMs: options.fastPeriodMs, timeoutMs: options.timeoutMs, maxProcesses: 6, compactEveryMs: 1000 }, onOutcome, onError);
  }

  setTargets(steady: readonly string[], fast: readonly string[]): void {
    this.steady.want(steady);
    this.fast.want(fast);
  }

  close(): void {
    this.steady.close();
    this.fast.close();
  }
}
