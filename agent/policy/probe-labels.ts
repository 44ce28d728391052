/**
 * A container's service probe, from its labels, with Kubernetes' meanings and defaults (a
 * liveness probe): `watchdog.probe` = `icmp` (the default: loss only) | `http://[:port]/path` |
 * `tcp://:port` | `exec:<command>` (run with `sh -c` in the container, exit 0 is success);
 * `watchdog.probe.period` (s, 10), `.timeout` (s, 1), `.failures` (in a row to
 * restart, 3), `.successes` (in a row to count as well again, 1), and for HTTP
 * `.expect-status` (default: any 2xx or 3xx) and `.expect-body` (a text the body must hold);
 * `watchdog.start-period` (s, 0): failures before the first success do not count until the
 * container has run that long, and one never healthy by then is restarted.
 * The probe targets the container's own address on its network. Free of I/O.
 */

import type { components } from '../../bus/contract.generated.js';

export interface ProbeSpec {
  kind: 'http' | 'tcp' | 'exec';
  /** exec: the command, run with `sh -c` in the container; exit 0 is success. */
  command?: string;
  port: number;
  /** http: the path (with its query). */
  path: string;
  periodMs: number;
  timeoutMs: number;
  failures: number;
  successes: number;
  /** No restart for failures before the first success until the container has run this long (0: none). */
  startPeriodMs: number;
  expectStatus?: number;
  expectBody?: string;
}

export const PROBE_LABEL = {
  probe: 'watchdog.probe',
  period: 'watchdog.probe.period',
  timeout: 'watchdog.probe.timeout',
  failures: 'watchdog.probe.failures',
  successes: 'watchdog.probe.successes',
  expectStatus: 'watchdog.probe.expect-status',
  expectBody: 'watchdog.probe.expect-body',
  startPeriod: 'watchdog.start-period',
} as const;

/** Kubernetes' defaults for a liveness probe (periodSeconds, timeoutSeconds, failureThreshold, successThreshold). */
export const PROBE_DEFAULTS = { periodMs: 10_000, timeoutMs: 1000, failures: 3, successes: 1 } as const;

/** The probe the labels ask for (undefined: none beyond ICMP), and one line per wrong label. */
export function readProbeLabels(labels: Readonly<Record<string, string>>): { probe?: ProbeSpec; problems: string[] } {
  const problems: string[] = [];
  const text = labels[PROBE_LABEL.probe]?.trim();
  if (text === undefined || text === '' || text.toLowerCase() === 'icmp') return { problems };
  const wrong = (label: string, rule: string): void =>
    void problems.push(`${label}: must be ${rule} (got ${JSON.stringify(labels[label]?.slice(0, 100))})`);
  const command = /^exec:(.+)$/s.exec(text)?.[1]?.trim();
  const match = /^(http|tcp):\/\/:(\d{1,5})(\/[^\s]*)?$/.exec(text);
  const port = Number(match?.[2]);
  if (!command && (!match || port < 1 || port > 65535 || (match[1] === 'tcp' && match[3] !== undefined))) {
    wrong(PROBE_LABEL.probe, 'icmp, http://:<port>/<path>, tcp://:<port> or exec:<command>');
    return { problems };
  }
  const number = (label: string, fallback: number, min: number, max: number, scale = 1): number => {
    const value = labels[label];
    if (value === undefined) return Math.round(fallback * scale);
    const n = Number(value.trim());
    if (!/^\s*\d+(\.\d+)?\s*$/.test(value) || n < min || n > max) {
      wrong(label, `a number from ${min} to ${max}`);
      return Math.round(fallback * scale);
    }
    return Math.round(n * scale);
  };
  const spec: ProbeSpec = {
    kind: command ? 'exec' : (match?.[1] as 'http' | 'tcp'),
    ...(command ? { command } : {}),
    port: command ? 0 : port,
    path: match?.[3] ?? '/',
    periodMs: number(PROBE_LABEL.period, PROBE_DEFAULTS.periodMs / 1000, 1, 3600, 1000),
    timeoutMs: number(PROBE_LABEL.timeout, PROBE_DEFAULTS.timeoutMs / 1000, 0.1, 60, 1000),
    failures: number(PROBE_LABEL.failures, PROBE_DEFAULTS.failures, 1, 100),
    successes: number(PROBE_LABEL.successes, PROBE_DEFAULTS.successes, 1, 100),
    startPeriodMs: number(PROBE_LABEL.startPeriod, 0, 0, 3600, 1000),
  };
  if (labels[PROBE_LABEL.expectStatus] !== undefined) spec.expectStatus = number(PROBE_LABEL.expectStatus, 200, 100, 599);
  const body = labels[PROBE_LABEL.expectBody];
  if (body !== undefined) spec.expectBody = body;
  if (spec.kind !== 'http' && (spec.expectStatus !== undefined || spec.expectBody !== undefined))
    problems.push(`${PROBE_LABEL.expectStatus} and ${PROBE_LABEL.expectBody}: only for an http probe`);
  return { probe: spec, problems };
}

/** A probe as the API says it (asyncapi.yaml's ServiceProbe): the labels' words, in fields. */
export type ServiceProbe = components['schemas']['ServiceProbe'];

const API_FIELD: [label: string, field: keyof ServiceProbe][] = [
  [PROBE_LABEL.period, 'periodSec'],
  [PROBE_LABEL.timeout, 'timeoutSec'],
  [PROBE_LABEL.failures, 'failures'],
  [PROBE_LABEL.successes, 'successes'],
  [PROBE_LABEL.expectStatus, 'expectStatus'],
  [PROBE_LABEL.expectBody, 'expectBody'],
  [PROBE_LABEL.probe, 'probe'],
];

/** A probe set through the API, read as its labels would be (undefined: icmp); a problem names the API's field (`probe.periodSec`). */
export function readApiProbe(p: ServiceProbe): { probe?: ProbeSpec; problems: string[] } {
  const labels: Record<string, string> = {};
  for (const [label, field] of API_FIELD) if (p[field] !== undefined) labels[label] = String(p[field]);
  const read = readProbeLabels(labels);
  const named = (line: string): string => API_FIELD.reduce((text, [label, field]) => text.replaceAll(label, `probe.${field}`), line);
  return { ...read, problems: read.problems.map(named) };
}

/** A probe read from labels, in the API's words (what GET .../policy shows). */
export function serviceProbeOf(spec: ProbeSpec): ServiceProbe {
  const probe =
    spec.kind === 'http' ? `http://:${spec.port}${spec.path}` : spec.kind === 'tcp' ? `tcp://:${spec.port}` : `exec:${spec.command ?? ''}`;
  return {
    probe,
    periodSec: spec.periodMs / 1000,
    timeoutSec: spec.timeoutMs / 1000,
    failures: spec.failures,
    successes: spec.successes,
    ...(spec.expectStatus === undefined ? {} : { expectStatus: spec.expectStatus }),
    ...(spec.expectBody === undefined ? {} : { expectBody: spec.expectBody }),
  };
}

/** The probe in a few words, for the log and heal reasons. */
export const describeProbe = (p: ProbeSpec, ip: string): string =>
  p.kind === 'http' ? `http://${ip}:${p.port}${p.path}` : p.kind === 'tcp' ? `tcp://${ip}:${p.port}` : `exec "${p.command ?? ''}"`;
