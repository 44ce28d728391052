/**
 * GET /history in the domain's terms: which window and step a request means, the PromQL that
 * answers it, and Prometheus' matrix as series per container. No I/O; `now` comes from the caller.
 */
import type { components, operations } from '../api/contract.generated.js';
import { ApiError } from './api-error.js';

export type HistoryMetric = components['schemas']['HistoryMetric'];
export type History = components['schemas']['History'];
export type HistoryQuery = operations['getHistory']['parameters']['query'];

/** Prometheus refuses a range query of more than 11,000 points per series. */
const MAX_POINTS = 11_000;
const MAX_WINDOW_MS = 8 * 24 * 3600_000;
/** The scrape interval: a finer step only repeats samples. */
const MIN_DEFAULT_STEP_S = 5;
const UNIT_MS = { s: 1000, m: 60_000, h: 3600_000, d: 86_400_000 } as const;

export interface Window {
  fromMs: number;
  toMs: number;
  stepSeconds: number;
}

const fail = (field: string, rule: string): never => {
  throw new ApiError(400, 'invalid_request', `${field}: ${rule}`);
};

export function historyWindow(query: HistoryQuery, now: number): Window {
  const toMs = query.to === undefined ? now : Date.parse(query.to);
  if (Number.isNaN(toMs)) fail('to', 'must be a date-time such as 2026-11-25T12:00:00Z');
  let fromMs: number;
  if (query.from !== undefined) {
    if (query.range !== undefined) fail('range', 'cannot be given with from: the window is from..to');
    fromMs = Date.parse(query.from);
    if (Number.isNaN(fromMs)) fail('from', 'must be a date-time such as 2026-11-25T11:00:00Z');
  } else {
    const match = /^(\d+)([smhd])$/.exec(query.range ?? '1h');
    fromMs = toMs - Number(match?.[1]) * UNIT_MS[(match?.[2] ?? 'h') as keyof typeof UNIT_MS];
  }
  if (fromMs >= toMs) fail('from', 'must be before to');
  if (toMs - fromMs > MAX_WINDOW_MS)
    fail(query.from !== undefined ? 'from' : 'range', 'the window must be at most 8 days (Prometheus keeps 7 by default)');
  const stepSeconds = query.step ?? Math.max(MIN_DEFAULT_STEP_S, Math.ceil((toMs - fromMs) / 1000 / 240));
  if ((toMs - fromMs) / 1000 / stepSeconds > MAX_POINTS)
    fail('step', `gives more than ${MAX_POINTS} points in this window; use at least ${Math.ceil((toMs - fromMs) / 1000 / MAX_POINTS)}`);
  return { fromMs, toMs, stepSeconds };
}

const UNITS: Record<HistoryMetric, History['unit']> = {
  loss: '%',
  rtt: 'ms',
  rttMin: 'ms',
  rttMax: 'ms',
  cpu: '%',
  memory: 'bytes',
  networkRx: 'bytes/s',
  networkTx: 'bytes/s',
  restarts: 'count',
};

/** The PromQL for one metric; label values are already restricted to [a-zA-Z0-9_.-] by the spec. */
export function promql(
  metric: HistoryMetric,
  labels: { host?: string | undefined; container?: string | undefined },
  stepSeconds: number,
): string {
  const matchers = [labels.host && `host="${labels.host}"`, labels.container && `name="${labels.container}"`].filter(Boolean).join(',');
  const sel = `{${matchers}}`;
  // rate() needs at least two scrapes in its window; 20 s is four at the 5 s scrape interval.
  const window = `[${Math.max(20, stepSeconds)}s]`;
  switch (metric) {
    case 'loss':
      return `watchdog_container_packet_loss_ratio${sel} * 100`;
    case 'rtt':
      return `watchdog_container_rtt_seconds${sel} * 1000`;
    case 'rttMin':
      return `watchdog_container_rtt_min_seconds${sel} * 1000`;
    case 'rttMax':
      return `watchdog_container_rtt_max_seconds${sel} * 1000`;
    case 'cpu':
      return `rate(container_cpu_usage_seconds_total${sel}${window}) * 100`;
    case 'memory':
      return `container_memory_working_set_bytes${sel}`;
    case 'networkRx':
      return `rate(container_network_receive_bytes_total${sel}${window})`;
    case 'networkTx':
      return `rate(container_network_transmit_bytes_total${sel}${window})`;
    case 'restarts':
      return `watchdog_container_restarts_24h${sel}`;
  }
}

export interface Matrix {
  metric: Record<string, string>;
  values: [number, string][];
}

/** Prometheus' matrix as series per container: seconds to ms, strings to numbers, NaN dropped. */
export function toHistory(metric: HistoryMetric, window: Window, matrix: readonly Matrix[]): History {
  const series = matrix
    .map((m) => ({
      host: m.metric['host'] ?? '',
      name: m.metric['name'] ?? '',
      points: m.values.map(([t, v]): [number, number] => [Math.round(t * 1000), Number(v)]).filter(([, v]) => Number.isFinite(v)),
    }))
    .filter((s) => s.points.length > 0)
    .sort((a, b) => a.host.localeCompare(b.host) || a.name.localeCompare(b.name));
  return {
    metric,
    unit: UNITS[metric],
    from: new Date(window.fromMs).toISOString(),
    to: new Date(window.toMs).toISOString(),
    stepSeconds: window.stepSeconds,
    series,
  };
}
