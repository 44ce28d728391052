/**
 * Policy per container, free of I/O: whether a container is monitored and how it is healed, from
 * three places in order of precedence: the API (saved with the agent's state), the container's
 * `watchdog.*` labels (policy-labels.ts reads them), and the host's defaults. Docker's own StopTimeout of the container comes
 * between the labels and the host's default stop grace, as `docker restart` uses it.
 */

import {
  busSchemas,
  type EffectivePolicy,
  type OnExhausted,
  type Policy,
  type PolicyAction,
  type PolicySource,
} from '../../bus/contract.generated.js';
import { ruleBroken } from '../../bus/messages.js';
import { readApiProbe, type ServiceProbe } from './probe-labels.js';

export type { EffectivePolicy, OnExhausted, Policy, PolicyAction, PolicySource };

/** A value with the place it came from. */
export interface Sourced<T> {
  value: T;
  source: PolicySource;
}

export const POLICY_ACTIONS = (busSchemas['PolicyAction'] as { enum: PolicyAction[] }).enum;
export const ON_EXHAUSTED = (busSchemas['OnExhausted'] as { enum: OnExhausted[] }).enum;

export interface HostDefaults {
  threshold: number;
  stopTimeoutSec: number;
  restartLimit: number;
}

/** The rules a value must keep, for labels, the API and the state file: read from the bus contract (asyncapi.yaml), never restated. */
export const POLICY_RULES = {
  threshold: ruleOf(busSchemas['Threshold']),
  stopTimeoutSec: ruleOf(policyField('stopTimeoutSec')),
  restartLimit: ruleOf(policyField('restartLimit')),
} as const;

function policyField(name: string): object | undefined {
  return (busSchemas['Policy'] as { properties: Record<string, object> }).properties[name];
}

function ruleOf(schema: object | undefined): { min: number; max: number; integer: boolean; text: string } {
  const { minimum, maximum, type, description } = (schema ?? {}) as {
    minimum?: number;
    maximum?: number;
    type?: string;
    description?: string;
  };
  if (minimum === undefined || maximum === undefined || description === undefined)
    throw new Error('asyncapi.yaml: a policy field has no range');
  return { min: minimum, max: maximum, integer: type === 'integer', text: description };
}

/** What is wrong with a policy from outside (the API, the state file), or null. */
export function policyProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'must be an object';
  const fields = value as Record<string, unknown>;
  for (const key of Object.keys(fields)) {
    if (key === 'action') {
      if (!POLICY_ACTIONS.includes(fields[key] as PolicyAction))
        return `action: must be restart, notify or none (got ${JSON.stringify(fields[key])})`;
    } else if (key === 'onExhausted') {
      if (!ON_EXHAUSTED.includes(fields[key] as OnExhausted))
        return `onExhausted: must be backoff, stop or notify (got ${JSON.stringify(fields[key])})`;
    } else if (key === 'probe') {
      const broken = ruleBroken('ServiceProbe', fields[key]);
      if (broken) return `probe: ${broken}`;
      const wrong = readApiProbe(fields[key] as ServiceProbe).problems[0];
      if (wrong) return wrong;
    } else if (key in POLICY_RULES) {
      const rule = POLICY_RULES[key as keyof typeof POLICY_RULES];
      const v = fields[key];
      if (typeof v !== 'number' || v < rule.min || v > rule.max || (rule.integer && !Number.isInteger(v)))
        return `${key}: must be ${rule.text} (got ${JSON.stringify(v)})`;
    } else {
      return `${key}: not a policy field (threshold, stopTimeoutSec, restartLimit, action, onExhausted, probe)`;
    }
  }
  return null;
}

/** Each value from the first place that sets it: API, then label, then (stop grace) the container's own, then the host. */
export function effectivePolicy(
  api: Policy | undefined,
  labels: Policy,
  containerStopTimeoutSec: number | undefined,
  host: HostDefaults,
): EffectivePolicy {
  const containerOrHost: Sourced<number> =
    containerStopTimeoutSec === undefined
      ? { value: host.stopTimeoutSec, source: 'host' }
      : { value: containerStopTimeoutSec, source: 'container' };
  return {
    threshold: pick(api?.threshold, labels.threshold, { value: host.threshold, source: 'host' }),
    stopTimeoutSec: pick(api?.stopTimeoutSec, labels.stopTimeoutSec, containerOrHost),
    restartLimit: pick(api?.restartLimit, labels.restartLimit, { value: host.restartLimit, source: 'host' }),
    action: pick(api?.action, labels.action, { value: 'restart', source: 'host' }),
    onExhausted: pick(api?.onExhausted, labels.onExhausted, { value: 'backoff', source: 'host' }),
    ...((api?.probe ?? labels.probe) ? { probe: pick(api?.probe, labels.probe, { value: { probe: 'icmp' }, source: 'host' }) } : {}),
  };
}

/** The API's value, else the label's, else the fallback, with where it came from. */
function pick<T>(fromApi: T | undefined, fromLabel: T | undefined, fallback: Sourced<T>): Sourced<T> {
  if (fromApi !== undefined) return { value: fromApi, source: 'api' };
  if (fromLabel !== undefined) return { value: fromLabel, source: 'label' };
  return fallback;
}

/**
 * Monitored by the API's word when it said one (monitor or unmonitor), else by the label. An
 * unmonitor through the API holds against a `watchdog.monitor=true` label until the API monitors
 * the container again.
 */
export function isMonitored(apiSaid: boolean | undefined, label: boolean | undefined): boolean {
  return apiSaid ?? label ?? false;
}

export type HealMode = 'act' | 'notify' | 'dry-run' | 'none';

/** How one container is healed now: its stop grace, its restart budget, and whether heals are done or only told. */
export interface HealPolicy {
  stopTimeoutSec: number;
  restartLimit: number;
  mode: HealMode;
  /** When the restart budget is spent (absent: backoff). */
  onExhausted?: OnExhausted;
  /** A silence (maintenance window) that holds its heals now. */
  silence?: { id: string; until: string; reason: string };
}

/** What becomes of a heal the watchdog decided on: done, only told (notify, observe-only), or nothing. */
export function healMode(action: PolicyAction, dryRun: boolean): HealMode {
  if (action === 'none') return 'none';
  if (dryRun) return 'dry-run';
  return action === 'notify' ? 'notify' : 'act';
}
