/**
 * Each host's card above the fleet table: live or silent, last heard, threshold, counts, backoff,
 * observe-only, the silences on it, its own health and a line of its CPU over the last hour.
 */
import { coversHost, inForce } from '../api/silence-match.js';
import type { Silence } from './api.js';
import { el } from './dom.js';
import { formatAgo, hostHealth, sparkline, summarizeHosts, type Container, type Host } from './model.js';

export class HostCards {
  readonly list = el('ul', { class: 'hosts', 'aria-label': 'Hosts' });
  private silences: readonly Silence[] = [];
  /** Each host's CPU over the last hour, one value per 30 s, oldest first (the card's line; control keeps them). */
  private readonly cpuHour = new Map<string, number[]>();

  render(hosts: readonly Host[], containers: readonly Container[], silences: readonly Silence[]): void {
    const now = Date.now();
    this.silences = silences;
    const items = summarizeHosts(hosts, containers, now).map((h) =>
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
    this.list.replaceChildren(...items);
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
