/**
 * The agent's decisions, free of I/O: what to do with one monitored container given what Docker
 * says about it and, for a running one, what the probe measured; whether a restart verdict still
 * holds for the container as it is now; and how to react to an engine event.
 */
import type { ContainerInfo, ProbeResult, RuntimeEvent } from '../ports.js';

export type Verdict =
  | { verdict: 'absent'; action: 'none'; reason: string }
  | { verdict: 'healing'; action: 'none'; reason: string }
  | { verdict: 'down' | 'no-ip'; action: 'start'; reason: string }
  | { verdict: 'running'; action: 'probe'; ip: string }
  | { verdict: 'lossy'; action: 'restart'; reason: string }
  | { verdict: 'unhealthy'; action: 'restart'; reason: string }
  | { verdict: 'changed'; action: 'none'; reason: string }
  | { verdict: 'starting'; action: 'none'; reason: string }
  | { verdict: 'ok'; action: 'none'; reason: string };

/** `healing`: a start or restart of ours is under way, so what Docker says now is our own doing. */
export function judgeContainer(container: ContainerInfo | null, healing = false): Verdict {
  if (healing) return { verdict: 'healing', action: 'none', reason: 'a start or restart is under way' };
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

/**
 * A restart verdict holds only for the instance that was probed: replies lost while it was down
 * and coming back (restarted by us or anyone else meanwhile) say nothing about the new instance.
 * `now` is the container as Docker describes it after the probe.
 */
export function confirmSameInstance(judged: Verdict, probedStartedAt: string, now: ContainerInfo | null, healing: boolean): Verdict {
  if (judged.action !== 'restart') return judged;
  if (healing || !now?.running || now.startedAt !== probedStartedAt) {
    return {
      verdict: 'changed',
      action: 'none',
      reason: `${judged.reason}, but it was restarted during the probe; judged afresh next cycle`,
    };
  }
  return judged;
}

export type EventReaction =
  { react: 'ensure-running'; trigger: string } | { react: 'restart'; trigger: string; reason: string } | { react: 'ignore' };

/** A monitored container that died is started if it is still down; one reported unhealthy is restarted. */
export function reactToEvent(event: RuntimeEvent, monitored: boolean): EventReaction {
  if (!monitored) return { react: 'ignore' };
  if (event.action === 'die') return { react: 'ensure-running', trigger: 'event: die' };
  if (event.action === 'health_status: unhealthy')
    return { react: 'restart', trigger: 'event: unhealthy', reason: 'health check reports unhealthy' };
  return { react: 'ignore' };
}

export function reasonOf(verdict: Verdict): string {
  return 'reason' in verdict ? verdict.reason : '';
}

function formatPercent(value: number): string {
  return `${Number(value.toFixed(2))}%`;
}
