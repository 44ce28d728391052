/** What continuous probing (fping's loop mode) gives: settled probes, the probes that are no evidence, and early hints of loss. */

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
