/**
 * The host's own health, as the kernel keeps it (no daemon of its own): CPU busy since the last
 * sample, memory in use, load, the disk that holds Docker's data, and network bytes. The parsing
 * is free of I/O; HostResources reads /proc and statfs. In a container the agent sees the host's
 * /proc/stat, /proc/loadavg and /proc/meminfo; its network is the namespace it runs in (the host's
 * with network_mode: host).
 */
import { existsSync } from 'node:fs';
import { readFile, statfs } from 'node:fs/promises';
import type Docker from 'dockerode';
import type { Heartbeat } from '../../bus/messages.js';
import { parseNetDev } from './cgroup-stats.js';

export type Resources = NonNullable<Heartbeat['resources']>;

/** CPU time (clock ticks) busy and in all, from the first line of /proc/stat; null if it is not there. */
export function parseCpu(procStat: string): { busy: number; total: number; byMode: Record<string, number> } | null {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) return null;
  const modes = ['user', 'nice', 'system', 'idle', 'iowait', 'irq', 'softirq', 'steal'];
  const values = line
    .trim()
    .split(/\s+/)
    .slice(1, 1 + modes.length)
    .map(Number);
  if (values.length < 4 || values.some((v) => !Number.isFinite(v))) return null;
  const byMode = Object.fromEntries(values.map((v, i) => [modes[i] ?? `mode${i}`, v]));
  const total = values.reduce((a, b) => a + b, 0);
  const idle = (byMode['idle'] ?? 0) + (byMode['iowait'] ?? 0);
  return { busy: total - idle, total, byMode };
}

/** MemTotal and MemAvailable of /proc/meminfo, in bytes. */
export function parseMemory(meminfo: string): { totalBytes: number; availableBytes: number } | null {
  const kib = (key: string): number | undefined => {
    const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(meminfo);
    return match ? Number(match[1]) * 1024 : undefined;
  };
  const totalBytes = kib('MemTotal');
  const availableBytes = kib('MemAvailable');
  return totalBytes === undefined || availableBytes === undefined ? null : { totalBytes, availableBytes };
}

export function parseLoad(loadavg: string): [number, number, number] | null {
  const [a, b, c] = loadavg.trim().split(/\s+/).map(Number);
  return a === undefined || b === undefined || c === undefined || [a, b, c].some((v) => !Number.isFinite(v)) ? null : [a, b, c];
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export class HostResources {
  private lastCpu: { busy: number; total: number } | null = null;
  private latestSample: Resources | undefined;
  /** The CPU seconds per mode since boot (node_cpu_seconds_total), from the last sample. */
  cpuSeconds: Record<string, number> = {};

  constructor(
    /** The disk to report: Docker's data root where the agent can see it, else '/'. */
    readonly diskPath: string,
    private readonly proc = '/proc',
  ) {}

  get latest(): Resources | undefined {
    return this.latestSample;
  }

  /** Reads everything once; what cannot be read is left out of the sample (never a made-up value). */
  async sample(): Promise<Resources> {
    const text = (file: string): Promise<string> => readFile(`${this.proc}/${file}`, 'utf8').catch(() => '');
    const [stat, meminfo, loadavg, netDev, disk] = await Promise.all([
      text('stat'),
      text('meminfo'),
      text('loadavg'),
      text('net/dev'),
      statfs(this.diskPath).catch(() => null),
    ]);
    const resources: Resources = {};
    const cpu = parseCpu(stat);
    if (cpu) {
      if (this.lastCpu && cpu.total > this.lastCpu.total)
        resources.cpuPercent = round1((100 * (cpu.busy - this.lastCpu.busy)) / (cpu.total - this.lastCpu.total));
      this.lastCpu = cpu;
      this.cpuSeconds = Object.fromEntries(Object.entries(cpu.byMode).map(([mode, ticks]) => [mode, ticks / 100]));
    }
    const memory = parseMemory(meminfo);
    if (memory)
      Object.assign(resources, { memoryUsedBytes: memory.totalBytes - memory.availableBytes, memoryTotalBytes: memory.totalBytes });
    const load = parseLoad(loadavg);
    if (load) Object.assign(resources, { load1: load[0], load5: load[1], load15: load[2] });
    if (netDev) {
      const { rxBytes, txBytes } = parseNetDev(netDev);
      Object.assign(resources, { networkRxBytes: rxBytes, networkTxBytes: txBytes });
    }
    if (disk) {
      const totalBytes = disk.blocks * disk.bsize;
      Object.assign(resources, { diskPath: this.diskPath, diskTotalBytes: totalBytes, diskAvailableBytes: disk.bavail * disk.bsize });
    }
    this.latestSample = resources;
    return resources;
  }
}

/** Docker's data root where this process can see it (the agent on the host, or with it mounted), else '/'. */
export async function dockerDataRoot(engine: Docker): Promise<string> {
  try {
    const root = String(((await engine.info()) as { DockerRootDir?: string }).DockerRootDir ?? '');
    return root && existsSync(root) ? root : '/';
  } catch {
    return '/';
  }
}
