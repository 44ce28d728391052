/**
 * Runs a task every interval, measured from start to start; runs never overlap. A run that
 * overruns the interval is followed by the next at once; a run that fails is followed by the next
 * after a whole interval. Calling `run()` during a run joins it.
 */
import type { Clock } from '../shared/clock.js';

export class Scheduler<T extends { durationMs: number }> {
  private current: Promise<T> | null = null;
  private cancelTimer: (() => void) | null = null;
  private running = false;

  constructor(
    private readonly clock: Clock,
    private readonly intervalMs: number,
    private readonly task: () => Promise<T>,
    private readonly onFailure: (error: unknown) => void,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Stops scheduling and waits for a run under way. */
  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    await this.current?.catch(() => undefined);
  }

  run(): Promise<T> {
    this.current ??= this.task().finally(() => {
      this.current = null;
    });
    return this.current;
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.cancelTimer = this.clock.setTimeout(() => {
      this.run()
        .then((report) => this.schedule(Math.max(0, this.intervalMs - report.durationMs)))
        .catch((error: unknown) => {
          this.onFailure(error);
          this.schedule(this.intervalMs);
        });
    }, delayMs);
  }
}
