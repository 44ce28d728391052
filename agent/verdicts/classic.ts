/** The classic verdict: PING_COUNT pings per running container in every cycle; loss strictly over the threshold restarts. */
import { confirmSameInstance, judgeProbe, reasonOf } from '../judging/decide.js';
import type { Prober, ProbeResult } from '../ports.js';
import { StartPeriod } from '../judging/start-period.js';
import type { Running, VerdictParts, VerdictStrategy } from './strategy.js';

export class ClassicVerdict implements VerdictStrategy {
  readonly probeGaps = 0;
  private readonly startPeriod = new StartPeriod();

  constructor(
    private readonly parts: VerdictParts,
    private readonly prober: Prober,
    private readonly pingCount: number,
  ) {}

  async cycle(running: readonly Running[]): Promise<void> {
    if (running.length === 0) return;
    const probes = await this.probeAll(running.map((r) => r.ip));
    await Promise.all(running.map((r) => this.judge(r, probes.get(r.ip))));
  }

  forget(): void {}

  instanceGone(): void {}

  close(): void {}

  private async probeAll(ips: string[]): Promise<Map<string, ProbeResult | Error>> {
    try {
      return await this.prober.probeAll(ips, this.pingCount);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      return new Map(ips.map((ip) => [ip, failed]));
    }
  }

  private async judge({ name, ip, startedAt }: Running, probe: ProbeResult | Error | undefined): Promise<void> {
    const { healer, results, checks, clock } = this.parts;
    try {
      if (!probe || probe instanceof Error) throw probe ?? new Error(`no probe result for ${ip}`);
      let judged = judgeProbe(probe, this.parts.thresholdOf(name));
      if (judged.action === 'restart') {
        const healing = healer.isHealing(name);
        judged = confirmSameInstance(judged, startedAt, healing ? null : await this.parts.inspect(name), healing);
      }
      if (judged.verdict === 'ok') this.startPeriod.pass(name, startedAt);
      const young = judged.action === 'restart' && this.startPeriod.holds(name, startedAt, this.parts.startPeriodOf(name), clock.now());
      if (young) judged = { verdict: 'starting', action: 'none', reason: `${reasonOf(judged)}; ${young}` };
      results.recordProbe(name, probe, judged.verdict, clock.now(), reasonOf(judged));
      checks.verdict(name, judged.verdict, reasonOf(judged), { lossPercent: probe.lossPercent, rttMs: probe.rttMs, ip });
      if (judged.action === 'restart') await healer.heal(name, 'restart', reasonOf(judged), 'check');
    } catch (error) {
      checks.failed(name, error);
    }
  }
}
