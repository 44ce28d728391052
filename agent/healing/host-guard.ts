/**
 * The host-level guard in front of every loss restart: the host's path (HostPath) and the host's
 * budget of loss restarts (HostRestartBudget), each change logged and told to listeners (events,
 * webhooks), each held restart said once per episode. The decisions are in host-path.ts; this
 * holds their state and says what happened. No I/O but the log.
 */
import type { Clock } from '../../shared/clock.js';
import { HostPath, HostRestartBudget, type BudgetChange, type PathChange, type PathEvidence, type PathRule } from '../judging/host-path.js';
import type { Log } from '../ports.js';

export type HostChange =
  { kind: 'host-network'; change: NonNullable<PathChange> } | { kind: 'host-budget'; change: NonNullable<BudgetChange> };

export class HostGuard {
  private readonly path: HostPath;
  private readonly budget: HostRestartBudget;
  /** Containers whose loss restart is held, per reason: each said once per episode. */
  private readonly heldForPath = new Set<string>();
  private readonly heldForBudget = new Set<string>();
  private readonly listeners: ((change: HostChange, at: number) => void)[] = [];

  constructor(
    private readonly clock: Clock,
    private readonly log: Log,
    rule: PathRule,
    /** Loss restarts allowed within windowMs (Infinity: no host budget). */
    restartLimit: number,
    private readonly windowMs: number,
  ) {
    this.path = new HostPath(rule);
    this.budget = new HostRestartBudget(restartLimit, windowMs);
  }

  onChange(listener: (change: HostChange, at: number) => void): void {
    this.listeners.push(listener);
  }

  get pathBroken(): boolean {
    return this.path.broken;
  }

  /** Looks at the host's path with what the probes say now. */
  assessPath(evidence: PathEvidence): void {
    const now = this.clock.now();
    const change = this.path.assess(evidence, now);
    if (!change) return;
    if (change.to === 'broken')
      this.log.error(
        `host network path looks broken: ${change.reason}; loss restarts are held (containers that are down are still started)`,
        { kind: 'host-network', to: 'broken', reason: change.reason },
      );
    else {
      this.log.warn(`host network path whole again after ${Math.round(change.brokenForMs / 1000)} s; loss restarts resume`, {
        kind: 'host-network',
        to: 'ok',
        brokenForMs: change.brokenForMs,
      });
      this.heldForPath.clear();
    }
    this.tell({ kind: 'host-network', change }, now);
  }

  /**
   * Whether a loss restart of `name` may be ordered now: not while the host's path is broken (looked
   * at with `evidence` first), not past the host's budget (a container in its own backoff asks
   * nothing of it, its restart will not happen). A held restart is logged once per episode.
   */
  admitLossRestart(name: string, reason: string, evidence: PathEvidence, inBackoff: boolean): boolean {
    this.assessPath(evidence);
    if (this.path.broken) return this.hold(this.heldForPath, name, `the host's network path looks broken (${reason})`, reason);
    if (inBackoff) return true;
    const now = this.clock.now();
    const { admitted, change } = this.budget.admit(now);
    if (change?.to === 'paused')
      this.log.error(
        `host restart budget spent (${change.restarts} loss restarts in ${this.windowMs} ms): loss restarts pause until the window has room (containers that are down are still started)`,
        { kind: 'host-budget', to: 'paused', restarts: change.restarts },
      );
    if (change?.to === 'resumed') {
      this.log.warn(`host restart budget has room again after ${Math.round(change.pausedForMs / 1000)} s: loss restarts resume`, {
        kind: 'host-budget',
        to: 'resumed',
        pausedForMs: change.pausedForMs,
      });
      this.heldForBudget.clear();
    }
    if (change) this.tell({ kind: 'host-budget', change }, now);
    return admitted || this.hold(this.heldForBudget, name, `the host's restart budget is spent (${reason})`, reason);
  }

  private hold(said: Set<string>, name: string, why: string, reason: string): false {
    if (!said.has(name))
      this.log.warn(`${name}: restart held: ${why}`, { kind: 'action', container: name, action: 'restart', outcome: 'held', reason });
    said.add(name);
    return false;
  }

  private tell(change: HostChange, at: number): void {
    for (const listener of this.listeners) listener(change, at);
  }
}
