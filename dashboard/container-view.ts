/**
 * One container over time: loss, round-trip time, CPU and memory from /history (Prometheus), with
 * the heals and faults from /events drawn as marks on the time axis, and its recent events.
 */
import uPlot from 'uplot';
import { api, type History, type PolicyView } from './api.js';
import { el } from './dom.js';
import { describe } from './event-words.js';
import { formatBytes, withGaps, type Event } from './model.js';

const RANGES = ['15m', '1h', '24h', '7d'] as const;
const RANGE_MS: Record<(typeof RANGES)[number], number> = { '15m': 900_000, '1h': 3_600_000, '24h': 86_400_000, '7d': 604_800_000 };
const CHARTS = [
  { metric: 'loss', title: 'Packet loss', unit: '%' },
  { metric: 'rtt', title: 'Round-trip time', unit: 'ms' },
  { metric: 'cpu', title: 'CPU', unit: '% of a core' },
  { metric: 'memory', title: 'Memory (working set)', unit: 'bytes' },
] as const;
const MARK_COLOURS: Partial<Record<Event['type'], string>> = { heal: '#2e9d5b', fault: '#d9822b', death: '#c0392b', backoff: '#8e44ad' };

export class ContainerView {
  readonly root: HTMLElement;
  private range: (typeof RANGES)[number] = '1h';
  private plots: uPlot[] = [];
  private readonly charts = el('div', { class: 'charts' });
  private readonly eventList = el('ol', { class: 'events', 'aria-label': 'Recent events' });
  private readonly policyLine = el('p', { class: 'policy', 'aria-label': 'Policy' });
  private readonly resize = (): void => this.fit();

  constructor(
    readonly host: string,
    readonly name: string,
  ) {
    const buttons = RANGES.map((r) => {
      const b = el('button', { type: 'button', 'aria-pressed': String(r === this.range) }, r);
      b.addEventListener('click', () => {
        this.range = r;
        for (const other of buttons) other.setAttribute('aria-pressed', String(other === b));
        void this.load();
      });
      return b;
    });
    this.root = el(
      'section',
      { class: 'container-view', 'aria-label': `${name} on ${host}` },
      el('p', {}, el('a', { href: '#/' }, '← Fleet')),
      el('h2', {}, `${name} `, el('small', {}, `on ${host}`)),
      this.policyLine,
      el('div', { class: 'ranges', role: 'group', 'aria-label': 'Time range' }, ...buttons),
      el(
        'p',
        { class: 'legend' },
        ...Object.entries(MARK_COLOURS).map(([type, colour]) => el('span', { class: `mark mark-${type}`, 'data-colour': colour }, type)),
      ),
      this.charts,
      el('h3', {}, 'Recent events'),
      this.eventList,
    );
    window.addEventListener('resize', this.resize);
  }

  destroy(): void {
    window.removeEventListener('resize', this.resize);
    for (const p of this.plots) p.destroy();
  }

  async load(): Promise<void> {
    const now = Date.now();
    const since = new Date(now - RANGE_MS[this.range]).toISOString();
    void api.policy(this.host, this.name).then(
      (a) => this.showPolicy(a.body),
      (e: Error) => this.policyLine.replaceChildren(`Policy: ${e.message}`),
    );
    const [events, ...histories] = await Promise.all([
      api
        .events({ host: this.host, container: this.name, since, limit: 1000 })
        .then((a) => a.body.events)
        .catch(() => [] as Event[]),
      ...CHARTS.map((c) =>
        api
          .history({ metric: c.metric, host: this.host, container: this.name, range: this.range })
          .then((a) => a.body)
          .catch((e: Error) => e),
      ),
    ]);
    for (const p of this.plots) p.destroy();
    this.plots = [];
    this.charts.replaceChildren();
    const marks = events.filter((e) => e.type in MARK_COLOURS);
    // Every figure is in the grid before any is measured, so each chart gets its own column's width.
    const boxes = CHARTS.map((chart) =>
      el('figure', { class: 'chart', 'data-metric': chart.metric }, el('figcaption', {}, `${chart.title} (${chart.unit})`)),
    );
    this.charts.append(...boxes);
    CHARTS.forEach((chart, i) => {
      const history = histories[i];
      const box = boxes[i] as HTMLElement;
      if (history instanceof Error || history === undefined) {
        box.append(el('p', { class: 'empty' }, history instanceof Error ? history.message : 'no data'));
        return;
      }
      this.plot(box, history, chart.unit, marks, now);
    });
    this.eventList.replaceChildren(
      ...events
        .slice(0, 50)
        .map((e) =>
          el('li', { class: `event-${e.type}` }, el('time', { datetime: e.at }, new Date(e.at).toLocaleString()), ` ${describe(e)}`),
        ),
    );
    if (events.length === 0) this.eventList.append(el('li', {}, 'No events in this range.'));
  }

  /** Each value of its policy with where it came from, and its wrong labels. */
  private showPolicy(view: PolicyView): void {
    const e = view.effective;
    const from = (s: { source: string }): string =>
      ({ api: 'set through the API', label: 'its label', container: 'its own StopTimeout', host: 'host default' })[s.source] ?? s.source;
    const parts = [
      `loss threshold ${String(e.threshold.value)} % (${from(e.threshold)})`,
      `stop grace ${String(e.stopTimeoutSec.value)} s (${from(e.stopTimeoutSec)})`,
      `restart limit ${String(e.restartLimit.value)} (${from(e.restartLimit)})`,
      `action ${String(e.action.value)} (${from(e.action)})`,
      ...(e.onExhausted ? [`when its budget is spent: ${String(e.onExhausted.value)} (${from(e.onExhausted)})`] : []),
      ...(e.probe
        ? [
            `service probe ${e.probe.value.probe}${e.probe.value.failures ? `, ${e.probe.value.failures} failures to restart` : ''} (${from(e.probe)})`,
          ]
        : []),
    ];
    this.policyLine.replaceChildren(`${view.monitored ? 'Monitored' : 'Not monitored'}. Policy: ${parts.join(' · ')}`);
    if (view.labelProblems?.length)
      this.policyLine.append(el('span', { class: 'label-problems' }, ` Wrong labels, ignored: ${view.labelProblems.join('; ')}`));
  }

  private plot(box: HTMLElement, history: History, unit: string, marks: Event[], now: number): void {
    const points = history.series[0]?.points ?? [];
    box.dataset['points'] = String(points.length);
    if (points.length === 0) {
      box.append(el('p', { class: 'empty' }, 'No samples in this range yet (Prometheus scrapes every 5 s).'));
      return;
    }
    const { xs, ys } = withGaps(points, history.stepSeconds);
    const style = getComputedStyle(document.documentElement);
    const ink = style.getPropertyValue('--ink').trim() || '#222';
    const line = style.getPropertyValue('--accent').trim() || '#2a6fdb';
    const opts: uPlot.Options = {
      width: widthOf(box),
      height: 180,
      scales: { x: { time: true, min: (now - RANGE_MS[this.range]) / 1000, max: now / 1000 } },
      axes: [
        { stroke: ink, grid: { stroke: 'rgba(128,128,128,0.2)' } },
        {
          stroke: ink,
          grid: { stroke: 'rgba(128,128,128,0.2)' },
          size: 72,
          values: (_u, vals) => vals.map((v) => (unit === 'bytes' ? formatBytes(v) : String(+v.toPrecision(3)))),
        },
      ],
      series: [{}, { label: unit, stroke: line, width: 1.5, points: { show: points.length < 60 } }],
      legend: { show: false },
      hooks: { draw: [(u) => drawMarks(u, marks)] },
    };
    this.plots.push(new uPlot(opts, [xs, ys], box));
  }

  private fit(): void {
    for (const p of this.plots) p.setSize({ width: widthOf(p.root.parentElement), height: 180 });
  }
}

/** The chart fills its figure (less the figure's padding). */
const widthOf = (box: HTMLElement | null): number => Math.max(240, (box?.clientWidth ?? 600) - 18);

/** Heals, faults, deaths and backoffs as vertical lines at their time. */
function drawMarks(u: uPlot, marks: Event[]): void {
  const { ctx } = u;
  const { top, height } = u.bbox;
  ctx.save();
  ctx.lineWidth = 2 * devicePixelRatio;
  for (const m of marks) {
    const x = Math.round(u.valToPos(Date.parse(m.at) / 1000, 'x', true));
    if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
    ctx.strokeStyle = MARK_COLOURS[m.type] ?? '#888';
    ctx.beginPath();
    ctx.moveTo(x, top);
    ctx.lineTo(x, top + height);
    ctx.stroke();
  }
  ctx.restore();
}
