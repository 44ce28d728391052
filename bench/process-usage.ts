/** CPU and memory of a process from /proc, sampled over time (Linux). */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * utime + stime, plus cutime + cstime (the children it waited for: ping, fping per probe), plus
 * the children still running (fping in loop mode): all of them are its cost.
 */
function cpuTicks(pid: number): number {
  const fields = statFields(pid);
  let ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = statFields(Number(entry));
      if (Number(child[1]) === pid) ticks += Number(child[11]) + Number(child[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks;
}

/** The CPU `pid` has used so far (with its children), in ms. */
export const cpuMs = (pid: number): number => (cpuTicks(pid) / TICKS_PER_SECOND) * 1000;

/** The resident memory of `pid` now, in MB. */
export function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** Starts sampling `pid`; stop() gives the CPU used (% of one core) and the RSS (mean and max, MB) since. */
export function sampleUsage(pid: number, everyMs = 1000): { stop(): { cpuPercent: number; rssMeanMb: number; rssMaxMb: number } } {
  const startTicks = cpuTicks(pid);
  const started = performance.now();
  const rss: number[] = [rssMb(pid)];
  const timer = setInterval(() => {
    try {
      rss.push(rssMb(pid));
    } catch {
      // the process ended
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      const cpuPercent = ((cpuTicks(pid) - startTicks) / TICKS_PER_SECOND / seconds) * 100;
      return { cpuPercent, rssMeanMb: rss.reduce((a, b) => a + b, 0) / rss.length, rssMaxMb: Math.max(...rss) };
    },
  };
}
