/** What each CLI command asks control and prints. Output goes to `out`; failures are CliErrors (client.ts). */
import type { Container, DryRunResult, Host, PolicyView, Scorecard, Silence, ThresholdResult } from '../api/contract.generated.js';
import { call, CliError, EXIT, type Connection } from './client.js';
import { ago, bytes, num, table, type Paint } from './table.js';

export interface Io {
  out: (text: string) => void;
  paint: Paint;
  json: boolean;
  now: () => number;
  /** A terminal's width (rows are cut to it); undefined when not a terminal (nothing is cut). */
  columns?: number;
}

const path = (...parts: string[]): string => parts.map(encodeURIComponent).join('/');

/** Hosts and their containers; exit 4 when a host is silent (the answer lacks its containers). */
export async function status(c: Connection, io: Io, host?: string): Promise<number> {
  const [hosts, list, silenced] = await Promise.all([
    call<Host[]>(c, 'GET', '/hosts'),
    call<Container[]>(c, 'GET', `/containers${host ? `?host=${encodeURIComponent(host)}` : ''}`),
    // A detail of the picture: a control that cannot say them (an older one, a stream not read yet) still shows the fleet.
    call<Silence[]>(c, 'GET', '/silences').then(
      (r) => r.body,
      () => [] as Silence[],
    ),
  ]);
  const silences = silenced.filter((s) => !host || s.hosts === undefined || s.hosts.includes(host));
  const silent = (list.headers.get('X-Silent-Hosts') ?? '').split(',').filter(Boolean);
  const shownHosts = hosts.body.filter((h) => !host || h.hostname === host);
  if (io.json) io.out(JSON.stringify({ hosts: shownHosts, containers: list.body, silent, silences }, null, 2));
  else {
    const { paint } = io;
    const now = io.now();
    io.out(
      table(shownHosts, [
        { title: 'HOST', cell: (h) => h.hostname },
        { title: 'STATE', cell: (h) => (h.live ? paint('live', 'green') : paint('silent', 'red')) },
        { title: 'LAST HEARD', cell: (h) => ago(h.lastSeen, now) },
        { title: 'THRESHOLD', cell: (h) => `${h.threshold} %`, right: true },
        { title: 'MONITORED', cell: (h) => String(h.monitored), right: true },
        { title: 'MODE', cell: (h) => (h.dryRun ? paint('observe only', 'yellow') : 'heals') },
        { title: 'CPU', cell: (h) => num(h.resources?.cpuPercent, ' %', 0), right: true },
        { title: 'MEMORY', cell: (h) => share(h.resources?.memoryUsedBytes, h.resources?.memoryTotalBytes), right: true },
        { title: 'LOAD', cell: (h) => num(h.resources?.load1, '', 2), right: true },
        { title: 'DISK', cell: (h) => share(diskUsed(h.resources), h.resources?.diskTotalBytes), right: true },
      ]),
    );
    io.out('');
    io.out(
      table(
        list.body,
        [
          { title: 'HOST', cell: (x) => x.hostname },
          { title: 'CONTAINER', cell: (x) => x.name },
          { title: 'STATUS', cell: (x) => (x.status === 'running' ? x.status : paint(x.status, 'red')) },
          { title: 'MON', cell: (x) => (x.monitored ? 'yes' : paint('no', 'dim')) },
          { title: 'LOSS', cell: (x) => lossCell(x, paint), right: true },
          { title: 'RTT', cell: (x) => num(x.rttMs, ' ms', 2), right: true },
          { title: 'CPU', cell: (x) => num(x.cpuPercent, ' %'), right: true },
          { title: 'MEMORY', cell: (x) => bytes(x.memoryBytes), right: true },
          { title: 'RESTARTS', cell: (x) => (x.restarts === undefined ? '-' : String(x.restarts)), right: true },
          { title: 'LAST HEAL', cell: (x) => (x.lastHeal ? `${x.lastHeal.action} ${ago(x.lastHeal.at, now)}: ${x.lastHeal.reason}` : '-') },
        ],
        io.columns,
      ),
    );
    if (silences.length > 0) io.out('');
    for (const s of silences)
      io.out(
        paint(
          `silenced: ${s.containers} on ${s.hosts?.join(', ') ?? 'every host'} until ${new Date(s.until).toLocaleTimeString()}, ${s.heal ? 'heals go on' : 'heals held'}: ${s.reason} (${s.id})`,
          'yellow',
        ),
      );
    if (silent.length > 0) io.out(paint(`\nsilent (their containers are not listed): ${silent.join(', ')}`, 'red'));
  }
  return silent.length > 0 ? EXIT.partial : EXIT.ok;
}

/** Part of a whole, as a percentage. */
const share = (part: number | undefined, whole: number | undefined): string =>
  part === undefined || !whole ? '-' : `${Math.round((100 * part) / whole)} %`;

const diskUsed = (r: Host['resources']): number | undefined =>
  r?.diskTotalBytes === undefined || r.diskAvailableBytes === undefined ? undefined : r.diskTotalBytes - r.diskAvailableBytes;

function lossCell(c: Container, paint: Paint): string {
  if (c.lossPercent === undefined) return '-';
  const text = `${c.lossPercent.toFixed(0)} %`;
  return c.lossPercent > 0 ? paint(text, 'yellow') : text;
}

export const query = (options: object): string =>
  new URLSearchParams(Object.entries(options).filter((e): e is [string, string] => typeof e[1] === 'string')).toString();

/** Applied by every live host, or exit 4 naming those that did not confirm yet. */
export async function setThreshold(c: Connection, io: Io, value: string): Promise<number> {
  const threshold = Number(value);
  if (value.trim() === '' || !Number.isFinite(threshold))
    throw new CliError(`threshold: must be a number from 0 to 100 (got "${value}")`, EXIT.refused);
  const result = await call<ThresholdResult>(c, 'PUT', '/threshold', threshold);
  io.out(io.json ? JSON.stringify(result.body) : confirmation(`threshold ${threshold} %`, result.body.confirmed, result.body.unconfirmed));
  return result.body.unconfirmed.length > 0 ? EXIT.partial : EXIT.ok;
}

function confirmation(what: string, confirmed: string[], unconfirmed: string[]): string {
  const late = unconfirmed.length ? `; not confirmed yet by ${unconfirmed.join(', ')} (it waits in their queues)` : '';
  return `${what}: confirmed by ${confirmed.join(', ') || 'none'}${late}`;
}

export async function monitor(c: Connection, io: Io, host: string, name: string, on: boolean): Promise<number> {
  const result = await call<Container>(c, on ? 'POST' : 'DELETE', `/containers/${path(host, name)}`);
  io.out(
    io.json
      ? JSON.stringify(result.body)
      : `${name} on ${host}: ${result.body.monitored ? 'monitored' : 'no longer monitored'} (confirmed by its agent)`,
  );
  return EXIT.ok;
}

export async function policyGet(c: Connection, io: Io, host: string, name: string): Promise<number> {
  const result = await call<PolicyView>(c, 'GET', `/containers/${path(host, name, 'policy')}`);
  io.out(io.json ? JSON.stringify(result.body, null, 2) : policyText(result.body));
  return EXIT.ok;
}

export async function policySet(c: Connection, io: Io, host: string, name: string, policy: Record<string, unknown>): Promise<number> {
  const result = await call<PolicyView>(c, 'PUT', `/containers/${path(host, name, 'policy')}`, policy);
  io.out(io.json ? JSON.stringify(result.body, null, 2) : policyText(result.body));
  return EXIT.ok;
}

function policyText(p: PolicyView): string {
  const rows = Object.entries(p.effective).map(([field, v]) => ({
    field,
    // A probe is an object: its words, then each setting it has (e.g. "http://:8080/health, periodSec 5").
    value:
      typeof v.value === 'object' && v.value !== null
        ? Object.entries(v.value as Record<string, unknown>)
            .map(([k, x], i) => (i === 0 ? String(x) : `${k} ${String(x)}`))
            .join(', ')
        : String(v.value),
    source: v.source,
  }));
  const problems = p.labelProblems?.length ? `\nlabel problems: ${p.labelProblems.join('; ')}` : '';
  return `${p.name} on ${p.hostname} (${p.monitored ? 'monitored' : 'not monitored'})\n${table(rows, [
    { title: 'FIELD', cell: (r) => r.field },
    { title: 'VALUE', cell: (r) => r.value, right: true },
    { title: 'FROM', cell: (r) => r.source },
  ])}${problems}`;
}

/** Observe-only on or off; exit 2 when a host refused (DRY_RUN=true there), 4 when one did not confirm yet. */
export async function dryRun(c: Connection, io: Io, on: boolean, host?: string): Promise<number> {
  const result = await dryRunCall(c, on, host);
  if (io.json) io.out(JSON.stringify(result));
  else {
    io.out(confirmation(on ? 'observe only' : 'healing', result.confirmed, result.unconfirmed));
    for (const r of result.refused) io.out(io.paint(`refused by ${r.hostname}: ${r.message}`, 'red'));
  }
  return result.refused.length > 0 ? EXIT.refused : result.unconfirmed.length > 0 ? EXIT.partial : EXIT.ok;
}

/** 409 (a host refused) still carries the result: every host's answer. */
async function dryRunCall(c: Connection, on: boolean, host?: string): Promise<DryRunResult> {
  try {
    return (await call<DryRunResult>(c, 'PUT', '/dry-run', { dryRun: on, ...(host ? { hostname: host } : {}) })).body;
  } catch (error) {
    if (error instanceof CliError && error.body && typeof error.body === 'object' && 'refused' in error.body)
      return error.body as DryRunResult;
    throw error;
  }
}

export async function scorecard(c: Connection, io: Io, options: { since?: string; host?: string }): Promise<number> {
  const result = await call<Scorecard>(c, 'GET', `/scorecard?${query(options)}`);
  if (io.json) io.out(JSON.stringify(result.body, null, 2));
  else {
    io.out(`faults and heals from ${result.body.since} to ${result.body.until}`);
    io.out(
      table(result.body.rows, [
        { title: 'HOST', cell: (r) => r.host },
        { title: 'FAULT', cell: (r) => r.kind },
        { title: 'FAULTS', cell: (r) => String(r.faults), right: true },
        { title: 'HEALED', cell: (r) => String(r.healed), right: true },
        { title: 'TOLERATED', cell: (r) => String(r.tolerated), right: true },
        { title: 'OVERTAKEN', cell: (r) => String(r.overtaken), right: true },
        { title: 'NEVER HEALED', cell: (r) => (r.neverHealed ? io.paint(String(r.neverHealed), 'red') : '0'), right: true },
        { title: 'PENDING', cell: (r) => String(r.pending), right: true },
        {
          title: 'TIME TO HEAL (MEDIAN / P95)',
          cell: (r) => (r.timeToHealMs ? `${ms(r.timeToHealMs.median)} / ${ms(r.timeToHealMs.p95)}` : '-'),
        },
      ]),
    );
    for (const f of result.body.falseRestarts) io.out(io.paint(`false restart: ${f.host}/${f.container} at ${f.at}: ${f.reason}`, 'red'));
  }
  return EXIT.ok;
}

const ms = (n: number): string => (n < 1000 ? `${Math.round(n)} ms` : `${(n / 1000).toFixed(1)} s`);

export async function hosts(c: Connection, io: Io): Promise<number> {
  const result = await call<Host[]>(c, 'GET', '/hosts');
  if (io.json) io.out(JSON.stringify(result.body, null, 2));
  else
    io.out(
      table(result.body, [
        { title: 'HOST', cell: (h) => h.hostname },
        { title: 'STATE', cell: (h) => (h.live ? io.paint('live', 'green') : io.paint('silent', 'red')) },
        { title: 'LAST HEARD', cell: (h) => ago(h.lastSeen, io.now()) },
        { title: 'MONITORED', cell: (h) => String(h.monitored), right: true },
      ]),
    );
  return EXIT.ok;
}
