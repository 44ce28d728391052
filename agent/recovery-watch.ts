/**
 * When a container is recovered, free of I/O: one that was down, lossy or unhealthy is recovered
 * once it has been ok for RECOVERED_AFTER checks in a row; trouble in between starts the count
 * over. Told once per trouble. Times come from the caller.
 */

/** A container fine again after being down, lossy or unhealthy: fine for RECOVERED_AFTER checks in a row. */
export interface Recovery {
  name: string;
  /** What it was: down, lossy or unhealthy (the first trouble since it was last fine). */
  was: string;
  at: number;
  troubledForMs: number;
}

/** Checks in a row with the verdict ok that make a troubled container recovered (a service probe's successes come before its ok). */
export const RECOVERED_AFTER = 3;

export class RecoveryWatch {
  /** Since when each container has been in trouble, what it was, and the ok checks since its last trouble. */
  private readonly troubled = new Map<string, { since: number; was: string; fine: number }>();

  /** It was in trouble at `at` (down, lossy, unhealthy): its count of ok checks starts over. */
  trouble(name: string, was: string, at: number): void {
    const t = this.troubled.get(name);
    if (t) t.fine = 0;
    else this.troubled.set(name, { since: at, was, fine: 0 });
  }

  /** A check's verdict; the recovery when this ok completes the run, else null. */
  checked(name: string, verdict: string, at: number): Recovery | null {
    if (verdict === 'lossy' || verdict === 'unhealthy') this.trouble(name, verdict, at);
    const t = this.troubled.get(name);
    if (verdict !== 'ok' || !t || ++t.fine < RECOVERED_AFTER) return null;
    this.troubled.delete(name);
    return { name, was: t.was, at, troubledForMs: at - t.since };
  }

  forget(name: string): void {
    this.troubled.delete(name);
  }
}
