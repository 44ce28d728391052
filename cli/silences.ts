/** `watchdog silence add|list|remove`: maintenance windows (POST/GET /silences, DELETE /silences/{id}). */
import type { Silence, SilenceResult } from '../api/contract.generated.js';
import { call, CliError, EXIT, type Connection } from './client.js';
import type { Io } from './commands.js';
import { table } from './table.js';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--until`: a duration from now (45m, 2h, 1d) or an RFC 3339 time, as the API takes it. */
export function untilOf(value: string, now: number): string {
  const duration = /^([1-9][0-9]{0,4})([mhd])$/.exec(value);
  if (duration) return new Date(now + Number(duration[1]) * (UNIT_MS[duration[2] ?? 'm'] ?? 0)).toISOString();
  if (/^\d{4}-\d\d-\d\dT/.test(value) && !Number.isNaN(Date.parse(value))) return value;
  throw new CliError(
    `--until: must be a duration such as 45m, 2h or 1d, or a time such as 2026-12-07T22:00:00Z (got "${value}")`,
    EXIT.refused,
  );
}

export interface SilenceOptions {
  until: string;
  reason: string;
  host?: string[];
  heal?: boolean;
  notify?: boolean;
}

/** Exit 4 when a live host did not confirm yet (it gets the list when control hears it next). */
export async function add(c: Connection, io: Io, containers: string, o: SilenceOptions): Promise<number> {
  const body = {
    ...(o.host?.length ? { hosts: o.host } : {}),
    containers,
    until: untilOf(o.until, io.now()),
    reason: o.reason,
    ...(o.heal ? { heal: true } : {}),
    ...(o.notify ? { notify: true } : {}),
  };
  const { silence, confirmed, unconfirmed } = (await call<SilenceResult>(c, 'POST', '/silences', body)).body;
  if (io.json) io.out(JSON.stringify({ silence, confirmed, unconfirmed }));
  else {
    const late = unconfirmed.length ? `; not yet held by ${unconfirmed.join(', ')} (they get it when control hears them next)` : '';
    io.out(`silence ${silence.id}: ${describe(silence)}; held by ${confirmed.join(', ') || 'no live host yet'}${late}`);
  }
  return unconfirmed.length > 0 ? EXIT.partial : EXIT.ok;
}

export async function list(c: Connection, io: Io): Promise<number> {
  const { body } = await call<Silence[]>(c, 'GET', '/silences');
  if (io.json) io.out(JSON.stringify(body, null, 2));
  else if (body.length === 0) io.out('no silence in force');
  else
    io.out(
      table(body, [
        { title: 'ID', cell: (s) => s.id },
        { title: 'HOSTS', cell: (s) => s.hosts?.join(',') ?? 'all' },
        { title: 'CONTAINERS', cell: (s) => s.containers },
        { title: 'UNTIL', cell: (s) => new Date(s.until).toLocaleString() },
        { title: 'HOLDS', cell: (s) => holds(s) },
        { title: 'BY', cell: (s) => s.by },
        { title: 'REASON', cell: (s) => s.reason },
      ]),
    );
  return EXIT.ok;
}

export async function remove(c: Connection, io: Io, id: string): Promise<number> {
  const { silence, confirmed } = (await call<SilenceResult>(c, 'DELETE', `/silences/${encodeURIComponent(id)}`)).body;
  io.out(io.json ? JSON.stringify({ silence, confirmed }) : `silence ${silence.id} ended (${describe(silence)})`);
  return EXIT.ok;
}

const holds = (s: Silence): string => (s.heal ? (s.notify ? 'nothing' : 'notifications') : s.notify ? 'heals' : 'heals, notifications');

const describe = (s: Silence): string =>
  `${s.containers} on ${s.hosts?.join(', ') ?? 'every host'} until ${new Date(s.until).toLocaleString()}, holds ${holds(s)}: ${s.reason}`;
