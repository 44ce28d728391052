/**
 * `npm run scorecard [-- --since 1h|<ISO time>] [--host h1]`: GET /scorecard of the control at
 * CONTROL_URL (default http://localhost:8080), printed as a table.
 */
import type { Scorecard } from '../api/contract.generated.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function sinceOf(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const relative = /^(\d+)([smhd])$/.exec(text);
  if (!relative) return text;
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[relative[2] as 's' | 'm' | 'h' | 'd'];
  return new Date(Date.now() - Number(relative[1]) * unit).toISOString();
}

const seconds = (ms: number | undefined): string => (ms === undefined ? '-' : `${(ms / 1000).toFixed(2)} s`);

export function table(card: Scorecard): string {
  const header = ['host', 'fault', 'faults', 'healed', 'tolerated', 'overtaken', 'never healed', 'pending', 'median', 'p95', 'max'];
  const rows = card.rows.map((r) => [
    r.host,
    r.kind,
    String(r.faults),
    String(r.healed),
    String(r.tolerated),
    String(r.overtaken),
    String(r.neverHealed),
    String(r.pending),
    seconds(r.timeToHealMs?.median),
    seconds(r.timeToHealMs?.p95),
    seconds(r.timeToHealMs?.max),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const out = [
    `Chaos scorecard ${card.since} .. ${card.until}`,
    '',
    line(header),
    line(widths.map((w) => '-'.repeat(w))),
    ...rows.map(line),
  ];
  if (rows.length === 0) out.push('(no faults injected in this window; does the antagonist have AMQP_URL?)');
  out.push('', `restarts no fault explains: ${card.falseRestarts.length}`);
  for (const r of card.falseRestarts.slice(0, 20)) out.push(`  ${r.at}  ${r.host}/${r.container}  ${r.reason}`);
  return out.join('\n');
}

async function main(): Promise<void> {
  const base = (process.env['CONTROL_URL'] ?? 'http://localhost:8080').replace(/\/$/, '');
  const params = new URLSearchParams();
  const since = sinceOf(option('since'));
  if (since) params.set('since', since);
  const host = option('host');
  if (host) params.set('host', host);
  const response = await fetch(`${base}/scorecard?${params.toString()}`).catch((error: unknown) => {
    throw new Error(`control at ${base} did not answer (${(error as Error).message}); set CONTROL_URL`);
  });
  const body = (await response.json()) as Scorecard & { message?: string };
  if (!response.ok) throw new Error(`GET /scorecard answered ${response.status}: ${body.message ?? ''}`);
  console.log(table(body));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(`scorecard: ${(error as Error).message}`);
    process.exitCode = 1;
  });
}
