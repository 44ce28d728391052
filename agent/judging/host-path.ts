/**
 * The host before the containers: is the host's own path to its containers (the bridge, its
 * firewall, the agent's network) broken? Free of I/O. A loss verdict restarts a container only
 * while the path is whole: when the path is broken every container looks lossy, and restarting
 * them cannot help and adds load.
 *
 * The control measurement, best first:
 * - a path canary (PATH_CANARY): a container of the host's that is never faulty itself, probed
 *   like the monitored ones on the same bridge. Loss there is the path's. While its own test shows
 *   loss (a lossy verdict, or signs of loss not yet decided), the path is broken.
 * - without one, the containers themselves: when at least `minContainers` and at least `share` of
 *   the probed containers show signs of loss at once, that is first a question about the host.
 *
 * Broken is said at once; whole again only after `recoverMs` without evidence of a broken path, so
 * a path that flickers is one episode, not many.
 */

export interface PathEvidence {
  /** Containers probed (the canary not counted). */
  probed: number;
  /** Of those, the ones with signs of loss now (probed fast, or judged lossy and held). */
  suspicious: number;
  /** The canary's state; 'none' when no canary is configured or it is not running. */
  canary: 'none' | 'ok' | 'suspicious' | 'lossy';
}

export interface PathRule {
  minContainers: number;
  /** 0..1 */
  share: number;
  recoverMs: number;
}

export const DEFAULT_PATH_RULE: PathRule = { minContainers: 4, share: 0.5, recoverMs: 10_000 };

/** Why the path looks broken now, or null when it does not. */
export function pathFault(e: PathEvidence, rule: PathRule): string | null {
  if (e.canary === 'lossy') return 'the path canary is lossy itself';
  if (e.canary === 'suspicious') return 'the path canary shows loss itself';
  if (e.canary !== 'none') return null;
  if (e.suspicious >= rule.minContainers && e.suspicious >= rule.share * e.probed) {
    return `${e.suspicious} of ${e.probed} probed containers show loss at once (no path canary; the rule: at least ${rule.minContainers} and ${Math.round(rule.share * 100)} %)`;
  }
  return null;
}

export type PathChange = { to: 'broken'; reason: string } | { to: 'ok'; brokenForMs: number } | null;

/** The path's state over time: one change when it breaks, one when it has been whole for recoverMs. */
export class HostPath {
  private brokenSince: number | null = null;
  private lastFaultAt = -Infinity;

  constructor(private readonly rule: PathRule) {}

  get broken(): boolean {
    return this.brokenSince !== null;
  }

  assess(evidence: PathEvidence, now: number): PathChange {
    const fault = pathFault(evidence, this.rule);
    if (fault !== null) {
      this.lastFaultAt = now;
      if (this.brokenSince !== null) return null;
      this.brokenSince = now;
      return { to: 'broken', reason: fault };
    }
    if (this.brokenSince === null || now - this.lastFaultAt < this.rule.recoverMs) return null;
    const brokenForMs = now - this.brokenSince;
    this.brokenSince = null;
    return { to: 'ok', brokenForMs };
  }
}

export type BudgetChange = { to: 'paused'; restarts: number } | { to: 'resumed'; pausedForMs: number } | null;

/**
 * The host's budget of loss restarts: at most `limit` within `windowMs`. Past it, loss restarts
 * pause (a circuit breaker: that many containers turning lossy is rarely each one's own fault,
 * and restarting them all adds load), until the window has room again. Starts of containers that
 * are down are not counted and never paused.
 */
export class HostRestartBudget {
  private readonly restarts: number[] = [];
  private pausedSince: number | null = null;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  get paused(): boolean {
    return this.pausedSince !== null;
  }

  /** Asks for one loss restart at `now`: counted when admitted. */
  admit(now: number): { admitted: boolean; change: BudgetChange } {
    while (this.restarts.length > 0 && this.restarts[0]! <= now - this.windowMs) this.restarts.shift();
    if (this.restarts.length >= this.limit) {
      if (this.pausedSince !== null) return { admitted: false, change: null };
      this.pausedSince = now;
      return { admitted: false, change: { to: 'paused', restarts: this.restarts.length } };
    }
    this.restarts.push(now);
    if (this.pausedSince === null) return { admitted: true, change: null };
    const pausedForMs = now - this.pausedSince;
    this.pausedSince = null;
    return { admitted: true, change: { to: 'resumed', pausedForMs } };
  }
}

/**
 * The path evidence of the watched containers now: how many show signs of loss (probed fast, or
 * judged lossy and not yet watched afresh), and the canary's state.
 */
export function pathEvidenceOf(
  watched: Iterable<{ name: string; decided: boolean; fastUntil: number }>,
  canary: string | null,
  now: number,
): PathEvidence {
  let probed = 0;
  let suspicious = 0;
  let canaryState: PathEvidence['canary'] = 'none';
  for (const entry of watched) {
    const showsLoss = entry.decided || entry.fastUntil > now;
    if (entry.name === canary) canaryState = entry.decided ? 'lossy' : showsLoss ? 'suspicious' : 'ok';
    else {
      probed++;
      if (showsLoss) suspicious++;
    }
  }
  return { probed, suspicious, canary: canaryState };
}
