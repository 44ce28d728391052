/** The agent's answer to a list_request: what it knows of each container on its host. No I/O beyond the listing. */
import { containerMatcher } from '../../bus/container-filter.js';
import { PolicyTable } from '../../bus/shared-policies.js';
import type { ContainerFilter, ContainerStatus, ListResponse } from '../../bus/messages.js';
import type { ContainerInfo, ContainerLister } from '../ports.js';
import type { Watchdog } from '../watchdog.js';

export class ContainerListing {
  constructor(
    private readonly hostname: string,
    private readonly watchdog: Watchdog,
    private readonly containers: ContainerLister,
  ) {}

  /**
   * Every container on this host, plus monitored names that have no container here (status
   * `absent`); with a filter, only those matching it (measured results are added only to them).
   * A monitored container comes with its policy; with `policies`, every container does. With
   * `sharedPolicies`, each distinct policy is sent once and a container's as its index there.
   */
  async list(filter?: ContainerFilter, policies = false, sharedPolicies = false): Promise<ListResponse> {
    const wanted = containerMatcher(filter);
    const table = sharedPolicies ? new PolicyTable() : undefined;
    const all = await this.containers.list();
    const present = new Set(all.map((c) => c.name));
    const containers = all.flatMap((c) => {
      this.watchdog.policies.see(c);
      const monitored = this.watchdog.policies.isMonitored(c.name);
      return wanted({ name: c.name, status: c.status, monitored }) ? [this.describe(c, monitored, policies, table)] : [];
    });
    for (const name of this.watchdog.policies.monitoredNames()) {
      const absent: ContainerStatus = { hostname: this.hostname, name, status: 'absent', monitored: true };
      if (!present.has(name) && wanted(absent)) containers.push(absent);
    }
    containers.sort((a, b) => a.name.localeCompare(b.name));
    return table
      ? { kind: 'list_response', hostname: this.hostname, containers, policies: table.policies }
      : { kind: 'list_response', hostname: this.hostname, containers };
  }

  /**
   * `withPolicy`: the effective policy even when not monitored (the answer to a policy change);
   * `table`: the policy as its index there. One object literal in one shape, a field it does not
   * have left undefined (JSON leaves it out): built from spreads of optional parts, it was most of
   * the cost of a list (the host simulator's profile, 100 lists of 100 containers).
   */
  describe(container: ContainerInfo, monitored: boolean, withPolicy = false, table?: PolicyTable): ContainerStatus {
    const { name } = container;
    const backoffUntil = monitored ? this.watchdog.healer.backoffUntil(name) : null;
    const result = monitored ? this.watchdog.resultOf(name) : undefined;
    const lastHeal = result?.lastHeal;
    const policy = monitored || withPolicy ? this.watchdog.policies.policyOf(name) : null;
    return {
      hostname: this.hostname,
      name,
      status: container.status,
      monitored,
      backoffUntil: backoffUntil === null ? undefined : new Date(backoffUntil).toISOString(),
      checkedAt: result?.checkedAt === undefined ? undefined : new Date(result.checkedAt).toISOString(),
      lossPercent: result?.lossPercent,
      rttMs: result?.rttMs,
      rttMinMs: result?.rttMinMs,
      rttMaxMs: result?.rttMaxMs,
      cpuPercent: result?.cpuPercent,
      memoryBytes: result?.memoryBytes,
      networkRxBytes: result?.rxBytes,
      networkTxBytes: result?.txBytes,
      restarts: result?.restarts,
      lastHeal: lastHeal && {
        at: new Date(lastHeal.at).toISOString(),
        action: lastHeal.action,
        reason: lastHeal.reason,
        outcome: lastHeal.outcome,
      },
      lossVerdict: result?.verdictDetail,
      serviceProbe: result?.serviceProbe && { ...result.serviceProbe, at: new Date(result.serviceProbe.at).toISOString() },
      policy: policy && !table ? policy.effective : undefined,
      policyIndex: policy && table ? table.indexOf(policy.effective) : undefined,
      apiPolicy: policy && hasFields(policy.api) ? policy.api : undefined,
      labelProblems: policy && policy.labelProblems.length > 0 ? policy.labelProblems : undefined,
    };
  }
}

function hasFields(value: object): boolean {
  for (const _ in value) return true;
  return false;
}
