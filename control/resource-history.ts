/**
 * Each host's CPU and memory over the last hour, from its heartbeats: one sample per 30 s, the
 * mean of the heartbeats that fell in it. What a host card's chart draws. No I/O.
 */
import type { HostResourceHistory, HostResources } from '../api/contract.generated.js';

export const STEP_MS = 30_000;
const KEEP = 120; // an hour

interface Bucket {
  start: number;
  cpu: { sum: number; n: number };
  memory: { sum: number; n: number };
}

export class ResourceHistory {
  private readonly hosts = new Map<string, Bucket[]>();

  add(hostname: string, resources: HostResources, at: number): void {
    const start = Math.floor(at / STEP_MS) * STEP_MS;
    const buckets = this.hosts.get(hostname) ?? [];
    let bucket = buckets.at(-1);
    if (!bucket || bucket.start !== start) {
      bucket = { start, cpu: { sum: 0, n: 0 }, memory: { sum: 0, n: 0 } };
      buckets.push(bucket);
      while (buckets.length > 0 && (buckets[0]?.start ?? start) <= start - KEEP * STEP_MS) buckets.shift();
    }
    if (resources.cpuPercent !== undefined) add(bucket.cpu, resources.cpuPercent);
    const { memoryUsedBytes: used, memoryTotalBytes: total } = resources;
    if (used !== undefined && total) add(bucket.memory, (used / total) * 100);
    this.hosts.set(hostname, buckets);
  }

  /** The host's last hour, oldest first; null for a host never heard with its health. */
  of(hostname: string, now: number): HostResourceHistory | null {
    const buckets = this.hosts.get(hostname);
    if (!buckets) return null;
    const since = now - KEEP * STEP_MS;
    return {
      hostname,
      stepSeconds: STEP_MS / 1000,
      samples: buckets
        .filter((b) => b.start > since)
        .map((b) => ({
          at: new Date(b.start).toISOString(),
          ...(b.cpu.n ? { cpuPercent: round(b.cpu.sum / b.cpu.n) } : {}),
          ...(b.memory.n ? { memoryPercent: round(b.memory.sum / b.memory.n) } : {}),
        })),
    };
  }
}

const add = (mean: { sum: number; n: number }, value: number): void => {
  mean.sum += value;
  mean.n += 1;
};
const round = (value: number): number => Math.round(value * 10) / 10;
