/**
 * A start period, free of I/O: no probe-based restart of an instance until it has run its start
 * period or passed a check (`watchdog.start-period`, else START_PERIOD_S). A container that is
 * down is still started; one still failing when the period ends is restarted as any other.
 */
export class StartPeriod {
  /** The instances (name and start time) that have passed a check. */
  private readonly passed = new Map<string, string>();

  /** An ok verdict for this instance: its start period is over. */
  pass(name: string, startedAt: string): void {
    this.passed.set(name, startedAt);
  }

  /** Why a restart of this instance is held now, or null when it may go. */
  holds(name: string, startedAt: string, periodMs: number, now: number): string | null {
    if (periodMs <= 0 || this.passed.get(name) === startedAt) return null;
    const age = now - Date.parse(startedAt);
    if (!(age < periodMs)) return null; // an unknown start time (NaN) holds nothing
    return `within its start period (${Math.round(age / 1000)} s of ${periodMs / 1000} s, no check passed yet): not restarted`;
  }

  forget(name: string): void {
    this.passed.delete(name);
  }
}
