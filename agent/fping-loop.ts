/**
 * Continuous probing with fping's loop mode (-l): one long-running process pings every target at
 * the steady period, and a second one pings the targets under suspicion at the fast period. Two
 * processes, not one per suspicious target: every raw ICMP socket receives a copy of every reply,
 * so N processes cost N x the replies (measured: 150 of them took both cores). The fast process
 * restarts when its targets change, at most once a second, so it keeps most of its probes.
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

class FpingGroup {
  private child: ChildProcess | null = null;
  private targets = '';

  constructor(
    private readonly periodMs: number,
    private readonly timeoutMs: number,
    private readonly onOutcome: (outcome: ProbeOutcome) => void,
    private readonly onError: (message: string) => void,
  ) {}

  set(ips: readonly string[]): void {
    const key = [...ips].sort().join(' ');
    if (key === this.targets && this.child) return;
    this.targets = key;
    this.stop();
    if (ips.length === 0) return;
    // -l: loop; -p: period per target; -t: reply timeout; -r 0: no retries; -i 0.1: 0.1 ms between any two packets
    // (fping's default 10 ms, or 1 ms, caps a process at 100 or 1,000 probes a second: measured, 240 targets at
    // 4/s and 150 at 20/s each got a fraction of their rate).
    const child = spawn('fping', ['-l', '-p', String(this.periodMs), '-t', String(this.timeoutMs), '-r', '0', '-i', '0.1', ...ips], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    createInterface({ input: child.stdout }).on('line', (line) => {
      const outcome = parseLoopLine(line);
      if (outcome) this.onOutcome(outcome);
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
    child.on('error', (error) => this.onError(`fping could not start: ${error.message}`));
    child.on('exit', (code, signal) => {
      if (this.child !== child) return; // replaced on purpose
      this.child = null;
      this.onError(`fping exited (${signal ?? code}): ${stderr.trim().split('\n').pop() ?? ''}; restarting`);
      setTimeout(() => this.set(this.targets ? this.targets.split(' ') : []), 500).unref();
      this.targets = '';
    });
  }

  stop(): void {
    const child = this.child;
    this.child = null;
    child?.kill();
  }
}

/** The fast group is restarted at most this often, so its probes are not lost to constant restarts. */
const FAST_RESTART_MIN_MS = 1000;

export class FpingLoopProber implements LoopProber {
  private readonly steady: FpingGroup;
  private readonly fast: FpingGroup;
  private wantedFast: readonly string[] = [];
  private lastFastRestart = 0;
  private pending: NodeJS.Timeout | null = null;

  constructor(options: { steadyPeriodMs: number; fastPeriodMs: number; timeoutMs: number }, onOutcome: (outcome: ProbeOutcome) => void, onError: (message: string) => void) {
    this.steady = new FpingGroup(options.steadyPeriodMs, options.timeoutMs, onOutcome, onError);
    this.fast = new FpingGroup(options.fastPeriodMs, options.timeoutMs, onOutcome, onError);
  }

  setTargets(steady: readonly string[], fast: readonly string[]): void {
    this.steady.set(steady);
    this.wantedFast = fast;
    if (this.pending) return;
    const wait = this.lastFastRestart + FAST_RESTART_MIN_MS - Date.now();
    if (wait <= 0) this.applyFast();
    else this.pending = setTimeout(() => this.applyFast(), wait);
  }

  close(): void {
    if (this.pending) clearTimeout(this.pending);
    this.pending = null;
    this.steady.stop();
    this.fast.stop();
  }

  private applyFast(): void {
    this.pending = null;
    this.lastFastRestart = Date.now();
    this.fast.set(this.wantedFast);
  }
}
