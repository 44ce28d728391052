/**
 * How a running container's loss becomes a verdict. Two strategies: the classic one (PING_COUNT
 * pings in every cycle, judged when they are back) and the sequential one (probing never stops; a
 * verdict comes when the evidence is enough, not when the cycle comes). The watchdog's cycle
 * finds the running instances and hands them over; what happens then is the strategy's.
 */
import type { Clock } from '../../shared/clock.js';
import type { ContainerResults } from '../container-results.js';
import type { Healer } from '../healing/healer.js';
import type { ContainerInfo } from '../ports.js';
import type { CheckLog } from './check-log.js';

/** A running container found by a cycle: its address and which instance it is. */
export interface Running {
  name: string;
  id: string;
  pid: number | undefined;
  ip: string;
  startedAt: string;
}

export interface VerdictStrategy {
  /** A cycle found these running: judged now (classic), or watched from now on (sequential). */
  cycle(running: readonly Running[], fromInventory: boolean): Promise<void>;
  /** The container is no longer monitored: nothing of it is judged any more. */
  forget(name: string): void;
  /** The container's instance died: its probes go unanswered because it is gone, which is no verdict. */
  instanceGone(name: string): void;
  /** Probes that were no evidence since the agent started (the prober did not hear their round). */
  readonly probeGaps: number;
  close(): void;
}

/** What a strategy uses of the rest of the agent. */
export interface VerdictParts {
  clock: Clock;
  healer: Healer;
  results: ContainerResults;
  checks: CheckLog;
  thresholdOf(name: string): number;
  /** Its start period in ms (0: none): no probe-based restart of a younger instance that passed no check. */
  startPeriodOf(name: string): number;
  /** The container now: from the inventory when it can say and `fromInventory`, else from the engine. */
  current(name: string, fromInventory: boolean): Promise<ContainerInfo | null>;
  /** The container now, from the engine. */
  inspect(name: string): Promise<ContainerInfo | null>;
}
