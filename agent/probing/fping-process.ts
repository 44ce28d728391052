/** One fping loop process: spawned, read on a tick, settled by its ledger, given up when it cannot hear. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { errorMessage } from '../../shared/errors.js';
import { LineFifo } from './line-fifo.js';
import type { ProbeSink } from './loop-prober.js';
import { parseLoopLine, ProbeLedger } from './probe-ledger.js';

/** A process whose canary has not answered for this long cannot hear: it is replaced. */
const STALL_MS = 3000;

/** One fping process and the ledger that settles its probes. */
export class FpingProcess {
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
