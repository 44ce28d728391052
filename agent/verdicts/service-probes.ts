/**
 * Service probes (HTTP, TCP, exec) of the containers whose labels ask for one, beside the loss verdict:
 * each is probed at its period (at most once a check cycle), its streak kept per instance, and a
 * container that failed its probe `failures` times in a row is restarted, its reason the probe and
 * what it saw. A probe runs in the background: a slow service never delays a cycle.
 */
import { errorMessage } from '../../shared/errors.js';
import { confirmSameInstance, reasonOf } from '../judging/decide.js';
import { freshStreak, observeProbe, type Streak } from '../judging/probe-streak.js';
import { describeProbe, type ProbeSpec } from '../policy/probe-labels.js';
import type { ServiceProbeResult } from '../probing/service-probe.js';
import type { Running, VerdictParts, VerdictStrategy } from './strategy.js';

interface Watched {
  /** The instance the streak is about. */
  startedAt: string;
  streak: Streak;
  nextAt: number;
  busy: boolean;
  /** It has passed a probe: its start period is over. */
  passed: boolean;
}

export class ServiceProbes implements Pick<VerdictStrategy, 'cycle' | 'forget' | 'instanceGone'> {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly parts: VerdictParts,
    private readonly probeOf: (name: string) => ProbeSpec | undefined,
    private readonly probe: (spec: ProbeSpec, target: { name: string; ip: string }) => Promise<ServiceProbeResult>,
  ) {}

  cycle(running: readonly Running[]): Promise<void> {
    const now = this.parts.clock.now();
    for (const container of running) {
      const spec = this.probeOf(container.name);
      if (!spec) {
        this.watched.delete(container.name);
        continue;
      }
      let w = this.watched.get(container.name);
      if (!w || w.startedAt !== container.startedAt) {
        w = { startedAt: container.startedAt, streak: freshStreak(), nextAt: now, busy: false, passed: false };
        this.watched.set(container.name, w);
      }
      if (w.busy || now < w.nextAt || this.parts.healer.isHealing(container.name)) continue;
      w.busy = true;
      w.nextAt = now + spec.periodMs;
      void this.once(container, spec, w).finally(() => (w.busy = false));
    }
    return Promise.resolve();
  }

  forget(name: string): void {
    this.watched.delete(name);
  }

  instanceGone(name: string): void {
    this.watched.delete(name);
  }

  private async once(container: Running, spec: ProbeSpec, w: Watched): Promise<void> {
    const { name, ip, startedAt } = container;
    const { checks, clock } = this.parts;
    try {
      const result = await this.probe(spec, { name, ip });
      if (this.watched.get(name) !== w) return; // forgotten or a new instance meanwhile
      const where = describeProbe(spec, ip);
      const fields = { probe: where, probeOk: result.ok, probeDetail: result.detail };
      this.parts.results.recordServiceProbe(name, where, result.ok, result.detail, clock.now());
      if (result.ok) w.passed = true;
      // A start period: failures before the first success do not count until it ends; never healthy by then is a restart.
      const startPeriodMs = spec.startPeriodMs > 0 ? spec.startPeriodMs : this.parts.startPeriodOf(name); // the label's, else the host's
      if (!result.ok && !w.passed && startPeriodMs > 0) {
        const age = clock.now() - Date.parse(startedAt);
        if (!(age >= startPeriodMs)) {
          checks.verdict(name, 'starting', `${spec.kind} probe ${where}: ${result.detail}; within its start period, not counted`, fields);
          return;
        }
        const reason = `${spec.kind} probe ${where} never passed within its start period of ${startPeriodMs / 1000} s: ${result.detail}`;
        return await this.restart(container, w, reason, fields);
      }
      const { streak, verdict } = observeProbe(w.streak, result.ok, spec);
      w.streak = streak;
      const counted = { ...fields, failures: streak.failures };
      if (verdict === 'failing' && !result.ok) {
        const said = `${spec.kind} probe ${where}: ${result.detail} (${streak.failures} of ${spec.failures} in a row)`;
        checks.verdict(name, 'probe-failing', said, counted);
      }
      if (verdict === 'recovered') checks.verdict(name, 'ok', `${spec.kind} probe ${where} answers again: ${result.detail}`, counted);
      if (verdict === 'restart')
        await this.restart(container, w, `${spec.kind} probe ${where} failed ${streak.failures} times in a row: ${result.detail}`, counted);
    } catch (error) {
      checks.failed(name, new Error(`service probe: ${errorMessage(error)}`));
    }
  }

  /** The instance probed, restarted through the healer (its budget, policy and observe-only apply). */
  private async restart({ name, startedAt }: Running, w: Watched, reason: string, fields: object): Promise<void> {
    const { healer, checks } = this.parts;
    const healing = healer.isHealing(name);
    const current = healing ? null : await this.parts.inspect(name);
    const judged = confirmSameInstance({ verdict: 'unhealthy', action: 'restart', reason }, startedAt, current, healing);
    checks.verdict(name, judged.verdict, reasonOf(judged), fields);
    w.streak = freshStreak(); // held back by the budget, the same instance is probed on and counted afresh
    if (judged.action === 'restart') await healer.heal(name, 'restart', reason, 'probe');
  }
}
