/** Probing with iputils' ping through the `ping` package: one child process per address, a bounded number at once. */
import ping from 'ping';
import { mapWithConcurrency } from '../concurrency.js';
import type { Prober, ProbeResult } from '../ports.js';

/** Seconds between probes of one container: fast, yet allowed to root (iputils' floor for others is 0.2). */
const PROBE_SPACING_S = '0.2';

export class PingProber implements Prober {
  constructor(private readonly concurrency: number) {}

  async probeAll(ips: readonly string[], count: number): Promise<Map<string, ProbeResult | Error>> {
    const results = await mapWithConcurrency(ips, this.concurrency, (ip) =>
      this.probe(ip, count).catch((error: unknown) => (error instanceof Error ? error : new Error(String(error)))),
    );
    return new Map(ips.map((ip, i) => [ip, results[i] as ProbeResult | Error]));
  }

  async probe(ip: string, count: number): Promise<ProbeResult> {
    // A fresh config object each call: the package mutates the one it is given.
    const reply = await ping.promise.probe(ip, { min_reply: count, timeout: 1, extra: ['-i', PROBE_SPACING_S] });
    // packetLoss and avg are strings ("20.000", "unknown") despite the package's types.
    const lossPercent = Number.parseFloat(String(reply.packetLoss));
    if (!Number.isFinite(lossPercent)) {
      const lastLine = reply.output.trim().split('\n').pop() ?? '';
      throw new Error(`ping ${ip} gave no statistics (${lastLine || 'no output'})`);
    }
    const ms = (value: unknown): number | null => {
      const parsed = Number.parseFloat(String(value));
      return Number.isFinite(parsed) ? parsed : null;
    };
    return {
      sent: count,
      received: Math.round((count * (100 - lossPercent)) / 100),
      lossPercent,
      rttMs: ms(reply.avg),
      rttMinMs: ms(reply.min),
      rttMaxMs: ms(reply.max),
    };
  }
}
