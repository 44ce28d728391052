/**
 * The dashboard's decisions, free of the DOM: which containers a view shows and in what order,
 * how faults join their heals on the timeline, and how numbers read. Unit-tested in Node.
 */
import type { Container, Event, Host } from '../api/contract.generated.js';
import { endOf, matchFaults } from '../api/fault-match.js';

export type { Container, Event, Host };

export type SortKey =
  | 'hostname'
  | 'name'
  | 'status'
  | 'monitored'
  | 'lossPercent'
  | 'rttMs'
  | 'cpuPercent'
  | 'memoryBytes'
  | 'restarts'
  | 'backoffUntil'
  | 'lastHeal';

export interface FleetQuery {
  host: string;
  status: string;
  text: string;
  sort: SortKey;
  descending: boolean;
}

export const defaultQuery: FleetQuery = { host: '', status: '', text: '', sort: 'hostname', descending: false };

export const keyOf = (c: Pick<Container, 'hostname' | 'name'>): string => `${c.hostname}/${c.name}`;

function sortValue(c: Container, key: SortKey): string | number {
  switch (key) {
    case 'monitored':
      return c.monitored ? 1 : 0;
    case 'lastHeal':
      return c.lastHeal?.at ?? '';
    case 'backoffUntil':
      return c.backoffUntil ?? '';
    case 'hostname':
    case 'name':
    case 'status':
      return c[key];
    default:
      return c[key] ?? -1;
  }
}

/** The containers the table shows: filtered by host, status and text (in host or name), then sorted, ties by host and name. */
export function visibleContainers(all: readonly Container[], q: FleetQuery): Container[] {
  const text = q.text.trim().toLowerCase();
  const shown = all.filter(
    (c) => (!q.host || c.hostname === q.host) && (!q.status || c.status === q.status) && (!text || keyOf(c).toLowerCase().includes(text)),
  );
  const sign = q.descending ? -1 : 1;
  return shown.sort((a, b) => {
    const x = sortValue(a, q.sort);
    const y = sortValue(b, q.sort);
    const by = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
    return sign * by || keyOf(a).localeCompare(keyOf(b));
  });
}

export interface HostSummary extends Host {
  containers: number;
  running: number;
  inBackoff: number;
}

export function summarizeHosts(hosts: readonly Host[], containers: readonly Container[], now: number): HostSummary[] {
  return hosts.map((h) => {
    const mine = containers.filter((c) => c.hostname === h.hostname);
    return {
      ...h,
      containers: mine.length,
      running: mine.filter((c) => c.status === 'running').length,
      inBackoff: mine.filter((c) => inBackoff(c, now)).length,
    };
  });
}

export const inBackoff = (c: Container, now: number): boolean => c.backoffUntil !== undefined && Date.parse(c.backoffUntil) > now;

export interface TimelineEntry {
  event: Event;
  /** For a fault: the heal that answered it and how long after the fault it ended. For a heal: the fault(s) it answered. */
  healedBy?: Event;
  timeToHealMs?: number;
  answers?: Event[];
  /** For a loss fault no heal answered: no agent judged it lossy, so it is within the container's policy (so far). */
  tolerated?: boolean;
  /** For a loss fault a heal of another fault ended before any agent judged it: that heal. */
  overtakenBy?: Event;
}

/** Newest first; each fault joined to the heal that answered it (the scorecard's rule, control/fault-match.ts). */
export function timeline(events: readonly Event[]): TimelineEntry[] {
  const entries = new Map<string, TimelineEntry>(events.map((e) => [e.id, { event: e }]));
  const { heals, overtaken, open, judgedLossy } = matchFaults(events);
  for (const fault of open) {
    const f = entries.get(fault.id);
    if (f && fault.fault === 'loss' && !judgedLossy.has(fault.id)) f.tolerated = true;
  }
  for (const { fault, by } of overtaken) {
    const f = entries.get(fault.id);
    if (f) f.overtakenBy = by;
  }
  for (const { heal, faults } of heals) {
    const entry = entries.get(heal.id);
    if (entry && faults.length > 0) entry.answers = faults;
    for (const fault of faults) {
      const f = entries.get(fault.id);
      if (f) Object.assign(f, { healedBy: heal, timeToHealMs: endOf(heal) - Date.parse(fault.at) });
    }
  }
  return [...entries.values()].sort((a, b) => Number(b.event.id) - Number(a.event.id));
}

export function formatBytes(bytes: number | undefined): string {
  if (bytes === undefined) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1)} ${units[unit] ?? ''}`;
}

export const formatNumber = (value: number | undefined, unit: string, digits = 1): string =>
  value === undefined ? '–' : `${value.toFixed(digits)}${unit}`;

export function formatAgo(iso: string | undefined, now: number): string {
  if (!iso) return '–';
  const s = Math.round((now - Date.parse(iso)) / 1000);
  if (s < 0) return `in ${formatDuration(-s * 1000)}`;
  return `${formatDuration(s * 1000)} ago`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

/** Points as uPlot's columns, with a break (null) where samples are missing, so a line never bridges a gap. */
export function withGaps(points: number[][], stepSeconds: number): { xs: number[]; ys: (number | null)[] } {
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  let last: number | null = null;
  for (const [t = 0, v = 0] of points) {
    const x = t / 1000;
    if (last !== null && x - last > 2 * stepSeconds) {
      xs.push(last + stepSeconds);
      ys.push(null);
    }
    xs.push(x);
    ys.push(v);
    last = x;
  }
  return { xs, ys };
}

/** A host's health in a few words, and whether it is near a limit (CPU, memory or disk at 90 % or more). */
export function hostHealth(r: Host['resources']): { text: string; strained: string[] } | null {
  if (!r) return null;
  const parts: string[] = [];
  const strained: string[] = [];
  if (r.cpuPercent !== undefined) parts.push(`CPU ${Math.round(r.cpuPercent)} %`);
  if (r.cpuPercent !== undefined && r.cpuPercent >= 90) strained.push('CPU');
  if (r.memoryUsedBytes !== undefined && r.memoryTotalBytes) {
    parts.push(`memory ${formatBytes(r.memoryUsedBytes)} of ${formatBytes(r.memoryTotalBytes)}`);
    if (r.memoryUsedBytes / r.memoryTotalBytes >= 0.9) strained.push('memory');
  }
  if (r.load1 !== undefined) parts.push(`load ${r.load1.toFixed(2)}`);
  if (r.diskTotalBytes && r.diskAvailableBytes !== undefined) {
    const used = 1 - r.diskAvailableBytes / r.diskTotalBytes;
    parts.push(`disk ${Math.round(used * 100)} % used`);
    if (used >= 0.9) strained.push('disk');
  }
  return parts.length ? { text: parts.join(' · '), strained } : null;
}

/** The points of a sparkline (0-100 on the y axis) in a box of width x height: the last values, oldest first. */
export function sparkline(values: readonly number[], width: number, height: number): string {
  if (values.length < 2) return '';
  const step = width / (values.length - 1);
  return values.map((v, i) => `${(i * step).toFixed(1)},${(height - (Math.min(100, Math.max(0, v)) / 100) * height).toFixed(1)}`).join(' ');
}
