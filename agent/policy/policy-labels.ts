/**
 * The `watchdog.*` labels of a container, read: monitor, the policy's values, the service probe
 * (probe-labels.ts) and the start period. A wrong value is a problem, named with its rule, and
 * falls back as if absent. No I/O.
 */
import { ON_EXHAUSTED, POLICY_ACTIONS, POLICY_RULES, type Policy } from './policy.js';
import { PROBE_LABEL, readProbeLabels, serviceProbeOf, type ProbeSpec } from './probe-labels.js';

export const LABEL = {
  monitor: 'watchdog.monitor',
  threshold: 'watchdog.threshold',
  stopTimeout: 'watchdog.stop-timeout',
  restartLimit: 'watchdog.restart-limit',
  action: 'watchdog.action',
  onExhausted: 'watchdog.on-exhausted',
} as const;

export interface LabelPolicy {
  /** watchdog.monitor: true or false; undefined when absent or wrong. */
  monitor: boolean | undefined;
  policy: Policy;
  /** The service probe the labels ask for (probe-labels.ts); none: ICMP only. */
  probe?: ProbeSpec;
  /** watchdog.start-period, in ms, when set (and right). */
  startPeriodMs?: number;
  /** One line per label with a wrong value, naming the label, the rule and the value. */
  problems: string[];
}

/** Reads the `watchdog.*` labels; a wrong value is a problem and falls back as if absent. */
export function readLabels(labels: Readonly<Record<string, string>> | undefined): LabelPolicy {
  const problems: string[] = [];
  const policy: Policy = {};
  let monitor: boolean | undefined;
  if (!labels) return { monitor, policy, problems };
  const quoted = (value: string | undefined): string => {
    const text = JSON.stringify(value);
    return text.length > 100 ? `${text.slice(0, 99)}…` : text;
  };
  const wrong = (label: string, rule: string): void => void problems.push(`${label}: must be ${rule} (got ${quoted(labels[label])})`);
  const monitorText = labels[LABEL.monitor];
  if (monitorText !== undefined) {
    const text = monitorText.trim().toLowerCase();
    if (text === 'true') monitor = true;
    else if (text === 'false') monitor = false;
    else wrong(LABEL.monitor, 'true or false');
  }
  const numeric = (label: string, field: keyof typeof POLICY_RULES): void => {
    const text = labels[label];
    if (text === undefined) return;
    const value = numberWithin(text, POLICY_RULES[field]);
    if (value === undefined) wrong(label, POLICY_RULES[field].text);
    else policy[field] = value;
  };
  numeric(LABEL.threshold, 'threshold');
  numeric(LABEL.stopTimeout, 'stopTimeoutSec');
  numeric(LABEL.restartLimit, 'restartLimit');
  const oneOf = <T extends string>(label: string, allowed: readonly T[]): T | undefined => {
    const text = labels[label]?.trim().toLowerCase();
    if (text === undefined) return undefined;
    const known = allowed.find((a) => a === text);
    if (!known) wrong(label, allowed.join(', ').replace(/, ([^,]*)$/, ' or $1'));
    return known;
  };
  const action = oneOf(LABEL.action, POLICY_ACTIONS);
  if (action) policy.action = action;
  const onExhausted = oneOf(LABEL.onExhausted, ON_EXHAUSTED);
  if (onExhausted) policy.onExhausted = onExhausted;
  const { probe, problems: probeProblems } = readProbeLabels(labels);
  if (probe) policy.probe = serviceProbeOf(probe);
  // With a probe, its labels were read there (a wrong value said once); without, here.
  const startText = labels[PROBE_LABEL.startPeriod];
  let startPeriodMs = startText === undefined ? undefined : probe?.startPeriodMs;
  if (startText !== undefined && !probe && !probeProblems.length) {
    const seconds = /^\s*\d+(\.\d+)?\s*$/.test(startText) ? Number(startText) : NaN;
    if (seconds >= 0 && seconds <= 3600) startPeriodMs = Math.round(seconds * 1000);
    else wrong(PROBE_LABEL.startPeriod, 'a number from 0 to 3600');
  }
  return {
    monitor,
    policy,
    problems: [...problems, ...probeProblems],
    ...(probe ? { probe } : {}),
    ...(startPeriodMs === undefined ? {} : { startPeriodMs }),
  };
}

function numberWithin(text: string, rule: { min: number; max: number; integer: boolean }): number | undefined {
  if (!/^\s*-?\d+(\.\d+)?\s*$/.test(text)) return undefined;
  const value = Number(text);
  if (value < rule.min || value > rule.max || (rule.integer && !Number.isInteger(value))) return undefined;
  return value;
}
