/**
 * What an ordered start or restart came to, told in one log line: done, already running (someone
 * else started it first: nothing done), or failed; with how long it took from the order and how
 * much of that was waiting for its turn in the restart lane.
 */
import { errorMessage } from '../../shared/errors.js';
import type { HealRecord } from '../container-results.js';
import type { Log } from '../ports.js';

export type HealAction = 'start' | 'restart';

export interface OrderedHeal {
  name: string;
  action: HealAction;
  reason: string;
  trigger: string;
  /** When the heal was ordered, and when the engine was asked (after the budget's save and the lane). */
  startedAt: number;
  calledAt: number;
}

/** Logs the outcome and returns it, with the time from the order. */
export function tellOutcome(
  log: Log,
  heal: OrderedHeal,
  now: number,
  result: { done: boolean } | { error: unknown },
): { outcome: HealRecord['outcome']; durationMs: number } {
  const { name, action, reason, trigger } = heal;
  const durationMs = now - heal.startedAt;
  const waitedMs = heal.calledAt - heal.startedAt;
  const fields = { kind: 'action', container: name, action, reason, trigger, durationMs, waitedMs };
  if ('error' in result) {
    log.error(`${name}: ${action} failed: ${errorMessage(result.error)}`, {
      ...fields,
      outcome: 'failed',
      error: errorMessage(result.error),
    });
    return { outcome: 'failed', durationMs };
  }
  if (!result.done) {
    log.info(`${name}: already running again, nothing to do (${trigger}: ${reason})`, { ...fields, outcome: 'already-running' });
    return { outcome: 'already-running', durationMs };
  }
  const waited = waitedMs >= 100 ? `, ${waitedMs} ms of it waiting for its turn` : '';
  log.info(`${name}: ${action}ed in ${durationMs} ms${waited} (${trigger}: ${reason})`, { ...fields, outcome: 'ok' });
  return { outcome: 'ok', durationMs };
}
