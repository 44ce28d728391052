/** The verdict strategy the agent runs: sequential when it has a continuous prober, else classic. */
import type { Clock } from '../../shared/clock.js';
import type { ContainerResults } from '../container-results.js';
import type { ContainerLookup } from '../engine/container-lookup.js';
import type { Healer } from '../healing/healer.js';
import type { HostGuard } from '../healing/host-guard.js';
import type { Policies } from '../policy/policies.js';
import type { ContainerRuntime, Log, Prober } from '../ports.js';
import type { CheckLog } from './check-log.js';
import { ClassicVerdict } from './classic.js';
import { SequentialVerdict, type SequentialOptions } from './sequential.js';
import type { VerdictStrategy } from './strategy.js';

export interface AgentParts {
  clock: Clock;
  log: Log;
  runtime: ContainerRuntime;
  healer: Healer;
  hostGuard: HostGuard;
  results: ContainerResults;
  checks: CheckLog;
  policies: Policies;
  lookup: ContainerLookup;
}

export function chooseVerdict(
  agent: AgentParts,
  classic: { prober: Prober; pingCount: number },
  sequential: SequentialOptions | undefined,
): VerdictStrategy {
  const { clock, log, runtime, healer, hostGuard, results, checks, policies, lookup } = agent;
  const parts = {
    clock,
    healer,
    results,
    checks,
    thresholdOf: (name: string) => policies.thresholdOf(name),
    current: (name: string, fromInventory: boolean) => lookup.current(name, fromInventory),
    inspect: (name: string) => runtime.inspect(name),
  };
  if (!sequential) return new ClassicVerdict(parts, classic.prober, classic.pingCount);
  return new SequentialVerdict({ ...parts, log, hostGuard, isMonitored: (name) => policies.isMonitored(name) }, sequential);
}
