/**
 * The fleet at a glance: every host's card (host-cards.ts) and every container in one table, sortable and filterable; live updates change only the cells that moved,
 * so the user's sort, filter, scroll and focus stay as they were. The table is an ARIA table of
 * grid rows rather than <table>: rows off screen then skip layout and paint (content-visibility),
 * which measured at 1,500 containers is most of a live update's cost.
 */
import { silencesOf } from '../api/silence-match.js';
import { api, ApiFailure, type Silence } from './api.js';
import { COLUMNS, fillRow, newRow, type RowParts } from './fleet-row.js';
import { HostCards } from './host-cards.js';
import { el, notice, setText } from './dom.js';
import { defaultQuery, keyOf, visibleContainers, type Container, type FleetQuery, type Host } from './model.js';

export class FleetView {
  readonly root = el('section', { class: 'fleet', 'aria-label': 'Fleet' });
  private query: FleetQuery = { ...defaultQuery };
  private containers: Container[] = [];
  private hosts: Host[] = [];
  private silences: Silence[] = [];
  /** Each host's card, above the table. */
  readonly cards = new HostCards();
  private readonly rows = new Map<string, RowParts>();
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
      this.cards.list,
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
    this.cards.render(hosts, containers, silences);
    this.renderFilters();
    this.renderRows();
  }

  private set(change: Partial<FleetQuery>): void {
    this.query = { ...this.query, ...change };
    this.renderRows();
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
