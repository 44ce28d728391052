/**
 * Kubernetes' rule for a liveness probe, free of I/O: a container is restarted after `failures`
 * failed probes in a row; once failing, it counts as well again only after `successes` in a row.
 * One streak per container instance: a new instance starts afresh.
 */
export interface Streak {
  failures: number;
  successes: number;
  /** Failing: the last verdict was a failure streak not yet undone by enough successes. */
  failing: boolean;
}

export const freshStreak = (): Streak => ({ failures: 0, successes: 0, failing: false });

export type ProbeVerdict = 'restart' | 'failing' | 'recovered' | 'ok';

export function observeProbe(
  streak: Streak,
  ok: boolean,
  rule: { failures: number; successes: number },
): { streak: Streak; verdict: ProbeVerdict } {
  if (!ok) {
    const failures = streak.failures + 1;
    const next = { failures, successes: 0, failing: streak.failing || failures >= rule.failures };
    return { streak: next, verdict: failures >= rule.failures ? 'restart' : 'failing' };
  }
  const successes = streak.successes + 1;
  if (streak.failing && successes < rule.successes) return { streak: { failures: 0, successes, failing: true }, verdict: 'failing' };
  return { streak: freshStreak(), verdict: streak.failing ? 'recovered' : 'ok' };
}
