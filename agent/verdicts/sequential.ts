/**
 * The sequential verdict: probing never stops, and a verdict comes when the evidence is enough
 * (loss-test.ts), not when the cycle comes. A lossy verdict restarts the instance it was about,
 * unless the host guard holds it (the host's path looks broken, or its budget of loss restarts is
 * spent). The host's path canary, when there is one, is probed beside the containers and never healed.
 */
import { StartPeriod } from '../judging/start-period.js';
import type { Log } from '../ports.js';
import type { HostGuard } from '../healing/host-guard.js';
import type { PathEvidence } from '../judging/host-path.js';
import { LossMonitor, type Verdict, type Watched } from '../judging/loss-monitor.js';
import { describeExplanation, type LossTestSettings } from '../judging/loss-test.js';
import { confirmSameInstance, reasonOf } from '../judging/decide.js';
import type { LoopProber, ProbeSink } from '../probing/loop-prober.js';
import type { Running, VerdictParts, VerdictStrategy } from './strategy.js';

export interface SequentialParts extends VerdictParts {
  log: Log;
  hostGuard: HostGuard;
  isMonitored(name: string): boolean;
}

export interface SequentialOptions {
  settings: Omit<LossTestSettings, 'threshold'>;
  prober: (sink: ProbeSink) => LoopProber;
  /** A container of the host's that shares the monitored ones' path and is never faulty itself; probed, never healed. */
  pathCanary?: string;
}

export class SequentialVerdict implements VerdictStrategy {
  private readonly monitor: LossMonitor;
  /** The last verdict per container, to log only changes and restarts. */
  private readonly lastDecision = new Map<string, string>();
  private readonly startPeriod = new StartPeriod();
  private gaps = 0;

  constructor(
    private readonly parts: SequentialParts,
    private readonly options: SequentialOptions,
  ) {
    const { log } = parts;
    const loop = options.prober({
      outcome: (outcome) => this.monitor.outcome(outcome),
      gap: (gap) => {
        this.gaps += gap.probes;
        this.monitor.gap(gap);
      },
      hint: (ip) => this.monitor.hint(ip),
      error: (message) => log.warn(`continuous probing: ${message}`, { kind: 'probe' }),
      info: (message) => log.info(`continuous probing: ${message}`, { kind: 'probe' }),
    });
    this.monitor = new LossMonitor(
      options.settings,
      (name) => parts.thresholdOf(name),
      parts.clock,
      loop,
      (v) => void this.onVerdict(v),
    );
  }

  get probeGaps(): number {
    return this.gaps;
  }

  /** The cycle only tells the monitor which instances run where; probing goes on between cycles. */
  async cycle(running: readonly Running[], fromInventory: boolean): Promise<void> {
    const canary = await this.pathCanary(fromInventory);
    this.monitor.watch([...running.map((r): Watched => ({ name: r.name, ip: r.ip, startedAt: r.startedAt })), ...(canary ? [canary] : [])]);
    this.parts.hostGuard.assessPath(this.pathEvidence());
  }

  forget(name: string): void {
    this.monitor.forget(name);
    this.lastDecision.delete(name);
    this.startPeriod.forget(name);
  }

  instanceGone(name: string): void {
    this.monitor.forget(name);
  }

  close(): void {
    this.monitor.close();
  }

  /** The path canary where it runs, to be probed beside the monitored containers; null without one. */
  private async pathCanary(fromInventory: boolean): Promise<Watched | null> {
    const name = this.options.pathCanary;
    if (!name || this.parts.isMonitored(name)) return null;
    try {
      const found = await this.parts.current(name, fromInventory);
      return found?.running && found.ip ? { name, ip: found.ip, startedAt: found.startedAt } : null;
    } catch {
      return null;
    }
  }

  /** What the probes say of the host's path now. */
  private pathEvidence(): PathEvidence {
    return this.monitor.pathEvidence(this.options.pathCanary ?? null);
  }

  /** A verdict: recorded and explained; a lossy one restarts the instance it was about. */
  private async onVerdict(v: Verdict): Promise<void> {
    const { name, explanation: e } = v;
    const { healer, hostGuard, results, checks, log } = this.parts;
    if (name === this.options.pathCanary && !this.parts.isMonitored(name)) {
      if (v.decision === 'lossy') log.warn(`path canary ${name}: ${describeExplanation(e)}`, { kind: 'host-network', container: name });
      return hostGuard.assessPath(this.pathEvidence());
    }
    const threshold = this.parts.thresholdOf(name);
    const reason = `${describeExplanation(e)}: ${v.decision === 'lossy' ? 'over' : 'within'} threshold ${threshold}%`;
    const lost = Math.round((e.lossPercent / 100) * e.probes);
    const rtt = { rttMs: v.rtt?.mean ?? null, rttMinMs: v.rtt?.min ?? null, rttMaxMs: v.rtt?.max ?? null };
    results.recordProbe(
      name,
      { sent: e.probes, received: e.probes - lost, lossPercent: e.lossPercent, ...rtt },
      v.decision,
      this.parts.clock.now(),
      reason,
    );
    const detail = { rule: e.rule, lossLowPercent: e.low, lossHighPercent: e.high, probes: e.probes, decidedInMs: e.decidedInMs };
    results.recordVerdictDetail(name, detail);
    const changed = this.lastDecision.get(name) !== v.decision;
    this.lastDecision.set(name, v.decision);
    if (changed || v.decision === 'lossy')
      checks.verdict(name, v.decision, reason, { lossPercent: e.lossPercent, ...detail, rttMs: rtt.rttMs });
    if (v.decision === 'ok') this.startPeriod.pass(name, v.startedAt);
    if (v.decision !== 'lossy') return;
    const young = this.startPeriod.holds(name, v.startedAt, this.parts.startPeriodOf(name), this.parts.clock.now());
    if (young) return checks.verdict(name, 'starting', `${reason}; ${young}`);
    try {
      const healing = healer.isHealing(name);
      // From the inventory when it can say (no engine call during a restart storm), else from the engine.
      const current = healing ? null : await this.parts.current(name, true);
      const judged = confirmSameInstance({ verdict: 'lossy', action: 'restart', reason }, v.startedAt, current, healing);
      if (judged.action !== 'restart') {
        this.monitor.forget(name);
        checks.verdict(name, judged.verdict, reasonOf(judged));
        return;
      }
      // The host before the containers: a held restart stays judged lossy until the container is watched afresh.
      if (!hostGuard.admitLossRestart(name, reason, this.pathEvidence(), healer.backoffUntil(name) !== null)) return;
      this.monitor.forget(name);
      await healer.heal(name, 'restart', reason, 'verdict');
      // Watch the new instance now rather than at the next cycle.
      const after = await this.parts.current(name, false);
      if (after?.running && after.ip && this.parts.isMonitored(name))
        this.monitor.watchOne({ name, ip: after.ip, startedAt: after.startedAt });
    } catch (error) {
      checks.failed(name, error);
    }
  }
}
