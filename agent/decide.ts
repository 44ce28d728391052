/**
 * The agent's decisions, free of I/O: what to do with one monitored container given what
 * Docker says about it and, for a running one, what the probe measured.
 */
import type { ContainerInfo, ProbeResult } from './ports.js';

export type Verdict =
  | { verdict: 'absent'; action: 'none'; reason: string }
  | { verdict: 'down' | 'no-ip'; action: 'start'; reason: string }
  | { verdict: 'running'; action: 'probe'; ip: string }
  | { verdict: 'lossy'; action: 'restart'; reason: string }
  | { verdict: 'ok'; action: 'none'; reason: string };

export function judgeContainer(container: ContainerInfo | null): Verdict {
  if (!container) return { verdict: 'absent', action: 'none', reason: 'no such container on this host' };
  if (!container.running) return { verdict: 'down', action: 'start', reason: `container is ${container.status}` };
  if (!container.ip) return { verdict: 'no-ip', action: 'start', reason: 'running but has no IP address' };
  return { verdict: 'running', action: 'probe', ip: container.ip };
}

/** Loss strictly above the threshold restarts; equal to it is tolerated. */
export function judgeProbe(probe: ProbeResult, threshold: number): Verdict {
  const loss = `loss ${formatPercent(probe.lossPercent)}`;
  if (probe.lossPercent > threshold) {
    return { verdict: 'lossy', action: 'restart', reason: `${loss} > threshold ${formatPercent(threshold)}` };
  }
  return { verdict: 'ok', action: 'none', reason: `${loss} <= threshold ${formatPercent(threshold)}` };
}

function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}
