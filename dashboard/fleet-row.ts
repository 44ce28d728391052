/** One row of the fleet table: its columns, its cells, and how a container's state is written into them (only what changed). */
import type { Silence } from './api.js';
import { el, setText } from './dom.js';
import { formatAgo, formatBytes, formatNumber, inBackoff, keyOf, type Container, type SortKey } from './model.js';

export const COLUMNS: { key: SortKey; label: string; numeric?: boolean; title?: string }[] = [
  { key: 'hostname', label: 'Host' },
  { key: 'name', label: 'Container' },
  { key: 'status', label: 'Status' },
  { key: 'monitored', label: 'Monitored' },
  { key: 'lossPercent', label: 'Loss', numeric: true },
  { key: 'rttMs', label: 'RTT', numeric: true },
  { key: 'cpuPercent', label: 'CPU', numeric: true },
  { key: 'memoryBytes', label: 'Memory', numeric: true },
  { key: 'restarts', label: 'Restarts', numeric: true, title: 'Starts and restarts by the watchdog in the last 24 h' },
  { key: 'backoffUntil', label: 'Backoff' },
  { key: 'lastHeal', label: 'Last heal' },
];

/** A table row and its cells, kept so that an update writes only what changed, without looking anything up. */
export interface RowParts {
  row: HTMLElement;
  cells: Record<SortKey, HTMLElement>;
  link: HTMLAnchorElement;
  button: HTMLButtonElement;
}

export function fillRow(
  { row, cells, link, button }: RowParts,
  c: Container,
  now: number,
  hostSilent: boolean,
  observeOnly: boolean,
  /** The silence that holds it now (the first to end), if any. */
  silence?: Silence,
): void {
  const backoff = inBackoff(c, now);
  setText(cells.hostname, c.hostname);
  setText(link, c.name);
  setText(cells.status, c.status);
  // Its service probe, when its labels ask for one: the kind and the last result, the whole of it on hover.
  const probe = c.serviceProbe;
  const kind = probe ? (probe.probe.startsWith('http') ? 'http' : probe.probe.startsWith('tcp') ? 'tcp' : 'exec') : '';
  setText(cells.monitored, `${c.monitored ? 'yes' : 'no'}${probe ? ` · ${kind} ${probe.ok ? '✓' : '✗'}` : ''}`);
  const probeTitle = probe ? `${probe.probe}: ${probe.detail} (${formatAgo(probe.at, now)})` : '';
  if (cells.monitored.title !== probeTitle) cells.monitored.title = probeTitle;
  cells.monitored.classList.toggle('probe-failing', probe?.ok === false);
  setText(cells.lossPercent, formatNumber(c.lossPercent, ' %', 0));
  const sure = c.lossVerdict
    ? `95 % interval ${c.lossVerdict.lossLowPercent}-${c.lossVerdict.lossHighPercent} % over ${c.lossVerdict.probes} probes (${c.lossVerdict.rule})`
    : '';
  if (cells.lossPercent.title !== sure) cells.lossPercent.title = sure;
  setText(cells.rttMs, formatNumber(c.rttMs, ' ms', 2));
  setText(cells.cpuPercent, formatNumber(c.cpuPercent, ' %'));
  setText(cells.memoryBytes, formatBytes(c.memoryBytes));
  setText(cells.restarts, c.restarts === undefined ? '–' : String(c.restarts));
  // The column of heals held back: a backoff's end, or the host's observe-only mode (it heals nothing).
  const silenced = silence ? 'silenced' : ''; // until when, and why, on hover
  setText(
    cells.backoffUntil,
    backoff ? `until ${new Date(c.backoffUntil ?? '').toLocaleTimeString()}` : silenced || (observeOnly ? 'observe only' : ''),
  );
  const lastHeal = c.lastHeal ? `${c.lastHeal.action} ${formatAgo(c.lastHeal.at, now)}: ${c.lastHeal.reason}` : '';
  setText(cells.lastHeal, lastHeal);
  if (cells.lastHeal.title !== lastHeal) cells.lastHeal.title = lastHeal; // the whole text where the column cuts it
  const action = c.monitored ? 'Unmonitor' : 'Monitor';
  if (button.textContent !== action) {
    button.textContent = action;
    button.setAttribute('aria-label', `${action} ${c.name} on ${c.hostname}`);
  }
  const observing = silence
    ? `silenced until ${new Date(silence.until).toLocaleString()} by ${silence.id}: ${silence.reason} (by ${silence.by}); ${silence.heal ? 'heals go on' : 'heals held'}, ${silence.notify ? 'notifications sent' : 'notifications held'}`
    : observeOnly
      ? 'observe only: the agent of this host heals nothing, it only says what it would do'
      : '';
  if (cells.backoffUntil.title !== observing) cells.backoffUntil.title = observing;
  const classes = `status-${c.status}${c.monitored ? ' monitored' : ''}${backoff ? ' in-backoff' : ''}${hostSilent ? ' host-silent' : ''}${observeOnly ? ' observe-only' : ''}${silence ? ' silenced' : ''}${(c.lossPercent ?? 0) > 0 ? ' lossy' : ''}`;
  if (row.className !== classes) row.className = classes;
}

export function newRow(c: Container): RowParts {
  const cells = Object.fromEntries(
    COLUMNS.map((col) => [col.key, el('div', { role: 'cell', class: col.numeric ? 'num' : undefined, 'data-col': col.key })]),
  ) as unknown as Record<SortKey, HTMLElement>;
  const link = el('a', { href: `#/c/${encodeURIComponent(c.hostname)}/${encodeURIComponent(c.name)}` });
  cells.name.append(link);
  const button = el('button', { type: 'button', 'data-action': 'toggle' });
  const row = el(
    'div',
    { role: 'row', 'data-key': keyOf(c) },
    ...COLUMNS.map((col) => cells[col.key]),
    el('div', { role: 'cell', class: 'actions' }, button),
  );
  return { row, cells, link, button };
}
