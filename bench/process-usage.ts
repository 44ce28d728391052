/** CPU and memory of a process from /proc, sampled over time (Linux). */
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime + stime, plus cutime + cstime: the children it waited for (ping, fping) are its cost too.
  return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
}

function rssMb(pid: number): number {
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
