/**
 * A list_response with `sharedPolicies` (asyncapi.yaml): each distinct effective policy once, and
 * each container's as its index there. The agent builds the table; control writes each container
 * back in full, the policy's JSON made once per distinct policy. No I/O.
 */
import type { ContainerStatus, EffectivePolicy, ListResponse } from './contract.generated.js';

/** The agent's side: the distinct policies of one reply, in the order first met. */
export class PolicyTable {
  readonly policies: EffectivePolicy[] = [];
  private readonly indexes = new Map<string, number>();

  /** The policy's index, added when it is new. */
  indexOf(policy: EffectivePolicy): number {
    const { threshold: t, stopTimeoutSec: s, restartLimit: r, action: a } = policy;
    const key = `${t.value} ${t.source} ${s.value} ${s.source} ${r.value} ${r.source} ${a.value} ${a.source}`;
    let index = this.indexes.get(key);
    if (index === undefined) {
      index = this.policies.push(policy) - 1;
      this.indexes.set(key, index);
    }
    return index;
  }
}

/** What is wrong with a reply's policy indexes (one pointing past its `policies`, or given beside a `policy`), or null. */
export function policyIndexProblem(reply: ListResponse): string | null {
  const count = reply.policies?.length ?? 0;
  for (const [at, container] of reply.containers.entries()) {
    const index = container.policyIndex;
    if (index === undefined) continue;
    if (index >= count) return `containers.${at}.policyIndex: must point into policies, which has ${count} (got ${index})`;
    if (container.policy !== undefined) return `containers.${at}: policy and policyIndex: only one of them`;
  }
  return null;
}

/**
 * Writes a reply's containers as JSON objects separated by commas (a run of a JSON array's
 * elements), each with its policy in full: a container's `policyIndex` becomes its `policy` (last of
 * its fields), spliced in from the policy's JSON, made once per reply. Check the reply with
 * `policyIndexProblem` first.
 */
export function containersJson(containers: readonly ContainerStatus[], policies: readonly EffectivePolicy[] = []): string {
  const policyJson = policies.map((p) => JSON.stringify(p));
  return containers
    .map((container) => {
      if (container.policyIndex === undefined) return JSON.stringify(container);
      const { policyIndex, ...rest } = container;
      return `${JSON.stringify(rest).slice(0, -1)},"policy":${policyJson[policyIndex]}}`;
    })
    .join(',');
}
