/** The verdict strategy the agent runs: sequential when it has a continuous prober, else classic; with the service probes beside it. */
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
import { ServiceProbes } from './service-probes.js';
import { probeService } from '../probing/service-probe.js';
import type { ProbeSpec } from '../policy/probe-labels.js';
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
  classic: { prober: Prober; pingCount: number; probeService?: typeof probeService },
  sequential: SequentialOptions | undefined,
): VerdictStrategy {
  const { clock, log, runtime, healer, hostGuard, results, checks, policies, lookup } = agent;
  const parts = {
    clock,
    healer,
    results,
    checks,
    thresholdOf: (name: string) => policies.thresholdOf(name),
    startPeriodOf: (name: string) => policies.startPeriodOf(name),
    current: (name: string, fromInventory: boolean) => lookup.current(name, fromInventory),
    inspect: (name: string) => runtime.inspect(name),
  };
  const loss = sequential
    ? new SequentialVerdict({ ...parts, log, hostGuard, isMonitored: (name) => policies.isMonitored(name) }, sequential)
    : new ClassicVerdict(parts, classic.prober, classic.pingCount);
  const exec = runtime.exec?.bind(runtime);
  const probe = classic.probeService ?? ((spec: ProbeSpec, target: { name: string; ip: string }) => probeService(spec, target, exec));
  return withServiceProbes(loss, new ServiceProbes(parts, (name) => policies.probeOf(name), probe));
}

/** The loss verdict and the service probes side by side: the cycle hands the running containers to both. */
function withServiceProbes(loss: VerdictStrategy, probes: ServiceProbes): VerdictStrategy {
  return {
    get probeGaps() {
      return loss.probeGaps;
    },
    cycle: async (running, fromInventory) => {
      await Promise.all([loss.cycle(running, fromInventory), probes.cycle(running)]);
    },
    forget: (name) => {
      loss.forget(name);
      probes.forget(name);
    },
    instanceGone: (name) => {
      loss.instanceGone(name);
      probes.instanceGone(name);
    },
    close: () => loss.close(),
  };
}
