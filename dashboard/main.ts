/**
 * The dashboard's wiring: a hash router over three views, the fleet refreshed every few seconds
 * and at once when an event arrives, the live events feeding the timeline, the threshold form.
 */
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { api, ApiFailure, liveEvents } from './api.js';
import { ContainerView } from './container-view.js';
import { notice } from './dom.js';
import { FleetView } from './fleet.js';
import type { Event } from './model.js';
import { TimelineView } from './timeline.js';

const REFRESH_MS = 5000;
const main = document.getElementById('main') as HTMLElement;
const live = document.getElementById('live') as HTMLElement;
const fleet = new FleetView();
const timelineView = new TimelineView();
let containerView: ContainerView | null = null;
let refreshTimer = 0;
let refreshing = false;
/** The host cards' hour of CPU, asked for every 30 s (control keeps one sample per 30 s). */
const HOUR_EVERY_MS = 30_000;
let hoursAskedAt = -Infinity;

async function hostHours(hostnames: string[]): Promise<Map<string, (number | undefined)[]>> {
  hoursAskedAt = Date.now();
  const answers = await Promise.all(hostnames.map((h) => api.hostResources(h).catch(() => null)));
  return new Map(answers.flatMap((a) => (a ? [[a.body.hostname, a.body.samples.map((s) => s.cpuPercent)] as const] : [])));
}

async function refreshFleet(): Promise<void> {
  if (refreshing) return;
  refreshing = true;
  clearTimeout(refreshTimer);
  try {
    // Silences are a detail of the picture: a control that cannot say them (503) still shows the fleet.
    const [containers, hosts, silences] = await Promise.all([api.containers(), api.hosts(), api.silences().catch(() => null)]);
    if (Date.now() - hoursAskedAt >= HOUR_EVERY_MS)
      fleet.cards.hostHours(await hostHours(hosts.body.filter((h) => h.resources).map((h) => h.hostname)));
    // Data in to painted, for the bench (performance entries "fleet-painted"): the frame after the update.
    performance.mark('fleet-data-in');
    fleet.update(containers.body, hosts.body, silences?.body ?? []);
    performance.measure('fleet-updated', 'fleet-data-in');
    requestAnimationFrame(() => setTimeout(() => performance.measure('fleet-painted', 'fleet-data-in')));
    const threshold = document.getElementById('threshold') as HTMLInputElement;
    const live = hosts.body.filter((h) => h.live && h.threshold !== undefined);
    if (document.activeElement !== threshold && live[0]) threshold.placeholder = String(live[0].threshold);
    document.body.dataset['loaded'] = 'true';
  } catch (error) {
    notice(`could not load the fleet: ${(error as Error).message}`, 'error');
  } finally {
    refreshing = false;
    refreshTimer = window.setTimeout(() => void refreshFleet(), REFRESH_MS);
  }
}

function route(): void {
  const hash = decodeURIComponent(location.hash.replace(/^#/, '')) || '/';
  containerView?.destroy();
  containerView = null;
  const container = /^\/c\/([^/]+)\/(.+)$/.exec(hash);
  const view = container ? 'container' : hash === '/timeline' ? 'timeline' : 'fleet';
  for (const a of document.querySelectorAll('nav a[data-view]'))
    a.toggleAttribute('aria-current', (a as HTMLElement).dataset['view'] === view);
  if (container) {
    containerView = new ContainerView(container[1] ?? '', container[2] ?? '');
    main.replaceChildren(containerView.root);
    void containerView.load();
  } else if (view === 'timeline') {
    main.replaceChildren(timelineView.root);
    void timelineView.load();
  } else {
    main.replaceChildren(fleet.root);
  }
}

function onEvent(event: Event): void {
  timelineView.add(event);
  // A heal or fault changes what the fleet table shows: refresh now rather than at the next tick.
  if (event.type !== 'verdict') void refreshFleet();
  if (containerView && event.host === containerView.host && event.container === containerView.name) void containerView.load();
}

document.getElementById('threshold-form')?.addEventListener('submit', (e) => {
  e.preventDefault();
  const input = document.getElementById('threshold') as HTMLInputElement;
  const threshold = Number(input.value);
  api.setThreshold(threshold).then(
    ({ body }) => {
      const unconfirmed = body.unconfirmed.length
        ? `; unconfirmed: ${body.unconfirmed.join(', ')} (applied when their agents read it)`
        : '';
      notice(
        `threshold ${body.threshold} %: confirmed by ${body.confirmed.join(', ') || 'no host'}${unconfirmed}`,
        body.unconfirmed.length ? 'warn' : 'ok',
      );
      input.value = '';
      void refreshFleet();
    },
    (error: unknown) => notice(`threshold refused: ${error instanceof ApiFailure ? error.message : String(error)}`, 'error'),
  );
});

window.addEventListener('hashchange', route);
liveEvents(onEvent, (open) => {
  live.textContent = open ? 'live' : 'reconnecting…';
  live.className = open ? 'live on' : 'live off';
});
route();
void refreshFleet();
