/**
 * Resource counters read straight from the kernel: the container's cgroup (v1 or v2, Docker's
 * cgroupfs or systemd layout) and its network namespace's /proc/<pid>/net/dev. No engine call and
 * no waiting: the cheapest source, usable where the agent sees the host's /sys/fs/cgroup and /proc
 * (the agent on the host, or its container with those mounted).
 */
import { readFile } from 'node:fs/promises';
import type { ResourceSample, StatsSource } from './ports.js';

export class CgroupStatsSource implements StatsSource {
  readonly name = 'cgroup';

  constructor(private readonly root = '/sys/fs/cgroup', private readonly proc = '/proc') {}

  async sample(containers: readonly { name: string; id: string; pid?: number }[]): Promise<Map<string, ResourceSample | Error>> {
    const results = new Map<string, ResourceSample | Error>();
    await Promise.all(
      containers.map(async (c) => {
        try {
          results.set(c.name, await this.read(c.id, c.pid));
        } catch (error) {
          results.set(c.name, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return results;
  }

  private async read(id: string, pid: number | undefined): Promise<ResourceSample> {
    const [cpu, memory, network] = await Promise.all([this.cpuNs(id), this.memoryBytes(id), pid ? readNetDev(`${this.proc}/${pid}/net/dev`) : Promise.resolve({ rxBytes: 0, txBytes: 0 })]);
    return { cpuNs: cpu, memoryBytes: memory, ...network };
  }

  private async cpuNs(id: string): Promise<number> {
    const v1 = await firstReadable([`${this.root}/cpuacct/docker/${id}/cpuacct.usage`, `${this.root}/cpu,cpuacct/docker/${id}/cpuacct.usage`, `${this.root}/cpuacct/system.slice/docker-${id}.scope/cpuacct.usage`]);
    if (v1 !== null) return Number(v1.trim());
    const stat = await firstReadable(v2Dirs(this.root, id).map((d) => `${d}/cpu.stat`));
    if (stat === null) throw new Error(`no cgroup found for container ${id.slice(0, 12)} under ${this.root}`);
    return Number(/usage_usec (\d+)/.exec(stat)?.[1] ?? 0) * 1000;
  }

  private async memoryBytes(id: string): Promise<number> {
    for (const dir of [`${this.root}/memory/docker/${id}`, `${this.root}/memory/system.slice/docker-${id}.scope`]) {
      const usage = await firstReadable([`${dir}/memory.usage_in_bytes`]);
      if (usage === null) continue;
      const inactive = Number(/total_inactive_file (\d+)/.exec((await firstReadable([`${dir}/memory.stat`])) ?? '')?.[1] ?? 0);
      return Math.max(0, Number(usage.trim()) - inactive);
    }
    for (const dir of v2Dirs(this.root, id)) {
      const current = await firstReadable([`${dir}/memory.current`]);
      if (current === null) continue;
      const inactive = Number(/inactive_file (\d+)/.exec((await firstReadable([`${dir}/memory.stat`])) ?? '')?.[1] ?? 0);
      return Math.max(0, Number(current.trim()) - inactive);
    }
    throw new Error(`no memory cgroup found for container ${id.slice(0, 12)} under ${this.root}`);
  }
}

const v2Dirs = (root: string, id: string): string[] => [`${root}/system.slice/docker-${id}.scope`, `${root}/docker/${id}`];

async function firstReadable(paths: string[]): Promise<string | null> {
  for (const path of paths) {
    try {
      return await readFile(path, 'utf8');
    } catch {
      // try the next layout
    }
  }
  return null;
}

/** Sums the receive and transmit byte counters of every interface but loopback. */
export function parseNetDev(text: string): { rxBytes: number; txBytes: number } {
  let rxBytes = 0;
  let txBytes = 0;
  for (const line of text.split('\n').slice(2)) {
    const [name, counters] = line.split(':');
    if (!counters || name?.trim() === 'lo') continue;
    const fields = counters.trim().split(/\s+/).map(Number);
    rxBytes += fields[0] ?? 0;
    txBytes += fields[8] ?? 0;
  }
  return { rxBytes, txBytes };
}

async function readNetDev(path: string): Promise<{ rxBytes: number; txBytes: number }> {
  return parseNetDev(await readFile(path, 'utf8'));
}

/** The cgroup files where they can be read, the engine's stats for the containers where they cannot. */
export class FallbackStats implements StatsSource {
  readonly name: string;

  constructor(private readonly primary: StatsSource, private readonly fallback: StatsSource) {
    this.name = `${primary.name}, else ${fallback.name}`;
  }

  async sample(containers: readonly { name: string; id: string; pid?: number }[]): Promise<Map<string, ResourceSample | Error>> {
    const results = await this.primary.sample(containers);
    const missed = containers.filter((c) => results.get(c.name) instanceof Error);
    if (missed.length > 0) for (const [name, sample] of await this.fallback.sample(missed)) results.set(name, sample);
    return results;
  }
}
