/**
 * The fleet at a glance: every host (live or silent, last heard, threshold, counts) and every
 * container in one table, sortable and filterable; live updates change only the cells that moved,
 * so the user's sort, filter, scroll and focus stay as they were. The table is an ARIA table of
 * grid rows rather than <table>: rows off screen then skip layout and paint (content-visibility),
 * which measured at 1,500 containers is most of a live update's cost.
 */
import { coversHost, inForce, silencesOf } from '../api/silence-match.js';
import { api, ApiFailure, type Silence } from './api.js';
import { COLUMNS, fillRow, newRow, type RowParts } from './fleet-row.js';
import { el, notice, setText } from './dom.js';
import {
  defaultQuery,
  formatAgo,
  hostHealth,
  keyOf,
  sparkline,
  summarizeHosts,
  visibleContainers,
  type Container,
  type FleetQuery,
  type Host,
} from './model.js';

export class FleetView {
  readonly root = el('section', { class: 'fleet', 'aria-label': 'Fleet' });
  private query: FleetQuery = { ...defaultQuery };
  private containers: Container[] = [];
  private hosts: Host[] = [];
  private silences: Silence[] = [];
  /** Each host's CPU over the last hour, one value per 30 s, oldest first (the host card's line; control keeps them). */
  private readonly cpuHour = new Map<string, number[]>();
  private readonly rows = new Map<string, RowParts>();
  private readonly hostList = el('ul', { class: 'hosts', 'aria-label': 'Hosts' });
  private readonly tbody = el('div', { role: 'rowgroup', class: 'rows' });
  private readonly hostFilter = el('select', { 'aria-label': 'Filter by host' });
  private readonly statusFilter = el('select', { 'aria-label': 'Filter by status' });
  private readonly count = el('span', { class: 'count', 'aria-live': 'polite' });

  constructor() {
    const text = el('input', { type: 'search', placeholder: 'Filter by name…', 'aria-label': 'Filter by host or container name' });
    text.addEventListener('input', () => this.set({ text: text.value }));
    this.hostFilter.addEventListener('change', () => this.set({ host: this.hostFilter.value }));
    this.statusFilter.addEventListener('change', () => this.set({ status: this.statusFilter.value }));
    const head = el(
      'div',
      { role: 'row', class: 'head' },
      ...COLUMNS.map((c) => {
        const button = el('button', { type: 'button', 'data-sort': c.key, title: c.title }, c.label);
        button.addEventListener('click', () =>
          this.set(this.query.sort === c.key ? { descending: !this.query.descending } : { sort: c.key, descending: !!c.numeric }),
        );
        return el('div', { role: 'columnheader', class: c.numeric ? 'num' : undefined, 'aria-sort': 'none' }, button);
      }),
      el('div', { role: 'columnheader' }, el('span', { class: 'visually-hidden' }, 'Actions')),
    );
    this.root.append(
      this.hostList,
      el('div', { class: 'filters' }, this.hostFilter, this.statusFilter, text, this.count),
      el(
        'div',
        { class: 'table-wrap' },
        el(
          'div',
          { role: 'table', class: 'containers', 'aria-label': 'Containers', 'aria-rowcount': '-1' },
          el('div', { role: 'rowgroup' }, head),
          this.tbody,
        ),
      ),
    );
    this.tbody.addEventListener('click', (e) => void this.onAction(e));
  }

  update(containers: Container[], hosts: Host[], silences: Silence[] = []): void {
    this.containers = containers;
    this.hosts = hosts;
    this.silences = silences;
    this.renderHosts();
    this.renderFilters();
    this.renderRows();
  }

  private set(change: Partial<FleetQuery>): void {
    this.query = { ...this.query, ...change };
    this.renderRows();
  }

  private renderHosts(): void {
    const now = Date.now();
    const items = summarizeHosts(this.hosts, this.containers, now).map((h) =>
      el(
        'li',
        { class: h.live ? 'host live' : 'host silent', 'data-host': h.hostname },
        el('strong', {}, h.hostname),
        el('span', { class: 'state' }, h.live ? 'live' : 'silent'),
        el('span', {}, `heard ${formatAgo(h.lastSeen, now)}`),
        el('span', {}, `threshold ${h.threshold ?? '–'} %`),
        el('span', {}, `${h.running}/${h.containers} running, ${h.monitored ?? 0} monitored`),
        h.inBackoff > 0 ? el('span', { class: 'backoff' }, `${h.inBackoff} in backoff`) : null,
        h.dryRun
          ? el(
              'span',
              {
                class: 'observe-only',
                title: 'Observe only (PUT /dry-run or DRY_RUN): the agent says what it would do and does none of it',
              },
              'observe only',
            )
          : null,
        this.silencesOf(h.hostname, now),
        this.healthOf(h),
      ),
    );
    this.hostList.replaceChildren(...items);
  }

  /** The silences in force on the host: the first to end, and how many more; each one on hover. */
  private silencesOf(host: string, now: number): HTMLElement | null {
    const on = this.silences.filter((s) => inForce(s, now) && coversHost(s, host));
    const first = on[0];
    if (!first) return null;
    const more = on.length > 1 ? ` +${on.length - 1}` : '';
    return el(
      'span',
      { class: 'silenced', title: on.map(describeSilence).join('\n') },
      `silenced: ${first.containers} until ${new Date(first.until).toLocaleTimeString()}${more}`,
    );
  }

  /** The hosts' last hour as control keeps it (GET /hosts/{hostname}/resources): drawn from the next update on. */
  hostHours(hours: ReadonlyMap<string, readonly (number | undefined)[]>): void {
    for (const [host, cpu] of hours)
      this.cpuHour.set(
        host,
        cpu.filter((v): v is number => v !== undefined),
      );
  }

  /** The host's own health, and a line of its CPU over the last hour. */
  private healthOf(h: Host): HTMLElement | null {
    const health = hostHealth(h.resources);
    if (!health) return null;
    const hour = this.cpuHour.get(h.hostname) ?? [];
    const line = sparkline(hour, 120, 24);
    const minutes = Math.max(1, Math.round(hour.length / 2));
    const chart = line
      ? el('span', { class: 'cpu-hour' }, svg(line, `CPU of ${h.hostname} over the last ${minutes} minutes`), `CPU, last ${minutes} min`)
      : null;
    const strained = health.strained.length ? ` (near its limit: ${health.strained.join(', ')})` : '';
    return el(
      'span',
      { class: health.strained.length ? 'health strained' : 'health', title: `${health.text}${strained}` },
      health.text,
      chart,
    );
  }

  private renderFilters(): void {
    const fill = (select: HTMLSelectElement, label: string, values: string[], current: string): void => {
      const wanted = ['', ...values];
      if ([...select.options].map((o) => o.value).join('\n') === wanted.join('\n')) return;
      select.replaceChildren(...wanted.map((v) => el('option', { value: v, selected: v === current }, v || label)));
    };
    fill(this.hostFilter, 'All hosts', [...new Set(this.containers.map((c) => c.hostname))].sort(), this.query.host);
    fill(this.statusFilter, 'Any status', [...new Set(this.containers.map((c) => c.status))].sort(), this.query.status);
  }

  private renderRows(): void {
    const now = Date.now();
    const shown = visibleContainers(this.containers, this.query);
    const silent = new Set(this.hosts.filter((h) => !h.live).map((h) => h.hostname));
    const observing = new Set(this.hosts.filter((h) => h.dryRun).map((h) => h.hostname));
    const keep = new Set(shown.map(keyOf));
    for (const [key, parts] of this.rows)
      if (!keep.has(key)) {
        parts.row.remove();
        this.rows.delete(key);
      }
    let previous: Element | null = null;
    for (const c of shown) {
      const key = keyOf(c);
      let parts = this.rows.get(key);
      if (!parts) {
        parts = newRow(c);
        this.rows.set(key, parts);
      }
      fillRow(parts, c, now, silent.has(c.hostname), observing.has(c.hostname), silencesOf(this.silences, c.hostname, c.name, now)[0]);
      const row = parts.row;
      const expected: Element | null = previous ? previous.nextElementSibling : this.tbody.firstElementChild;
      if (expected !== row) {
        if (previous) previous.after(row);
        else this.tbody.prepend(row);
      }
      previous = row;
    }
    for (const th of this.root.querySelectorAll('[role="columnheader"][aria-sort]')) {
      const key = th.querySelector('button')?.dataset['sort'];
      th.setAttribute('aria-sort', key === this.query.sort ? (this.query.descending ? 'descending' : 'ascending') : 'none');
    }
    setText(this.count, `${shown.length} of ${this.containers.length} containers`);
  }

  private async onAction(e: MouseEvent): Promise<void> {
    const button = (e.target as HTMLElement).closest('button[data-action]');
    const key = (button?.closest('[role="row"]') as HTMLElement | null)?.dataset['key'];
    const c = this.containers.find((x) => keyOf(x) === key);
    if (!button || !c) return;
    (button as HTMLButtonElement).disabled = true;
    try {
      const { body } = await api.monitor(c.hostname, c.name, !c.monitored);
      notice(`${body.name} on ${body.hostname}: ${body.monitored ? 'monitored' : 'no longer monitored'} (confirmed by its agent)`, 'ok');
      Object.assign(c, { monitored: body.monitored });
      this.renderRows();
    } catch (error) {
      const status = error instanceof ApiFailure ? error.status : 0;
      const what = status === 504 ? 'unconfirmed' : 'refused';
      notice(`${c.name} on ${c.hostname}: ${what} — ${(error as Error).message}`, status === 504 ? 'warn' : 'error');
    } finally {
      (button as HTMLButtonElement).disabled = false;
    }
  }
}

/** A silence in words, for a tooltip. */
export function describeSilence(s: Silence): string {
  const what = s.heal
    ? s.notify
      ? 'nothing held'
      : 'heals go on, notifications held'
    : s.notify
      ? 'heals held, notifications sent'
      : 'heals and notifications held';
  return `${s.id}: ${s.containers} on ${s.hosts?.join(', ') ?? 'every host'} until ${new Date(s.until).toLocaleString()}, ${what}: ${s.reason} (by ${s.by})`;
}

function svg(points: string, label: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const chart = document.createElementNS(ns, 'svg');
  chart.setAttribute('viewBox', '0 0 120 24');
  chart.setAttribute('class', 'spark');
  chart.setAttribute('role', 'img');
  chart.setAttribute('aria-label', label);
  const line = document.createElementNS(ns, 'polyline');
  line.setAttribute('points', points);
  chart.append(line);
  return chart;
}
