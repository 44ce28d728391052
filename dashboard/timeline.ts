/**
 * Heals and faults as they happen: the live events stream, each fault joined to the heal that
 * answered it with the time it took, and the chaos scorecard of the last hour.
 */
import { api, type Scorecard } from './api.js';
import { describe } from './event-words.js';
import { el } from './dom.js';
import { formatDuration, timeline, type Event, type TimelineEntry } from './model.js';
import { endOf } from '../api/fault-match.js';

const KEEP = 500;

/** What the timeline shows: heals and what they answer, and the host-level changes that held heals back. */
const SHOWN: readonly Event['type'][] = ['heal', 'fault', 'death', 'backoff', 'host-network', 'host-budget'];
/** Also read, not shown: verdicts tell whether a loss fault needed a heal at all. */
const READ: readonly Event['type'][] = [...SHOWN, 'verdict'];

/**
 * What became of a fault: healed (and how long it took), overtaken (loss ended by the heal of another
 * fault before any verdict), within the policy (loss no agent judged lossy), or not yet.
 */
function faultOutcome({ event, healedBy, timeToHealMs, overtakenBy, tolerated }: TimelineEntry): HTMLElement {
  if (healedBy) return el('span', { class: 'joined' }, `healed after ${formatDuration(timeToHealMs ?? 0)}`);
  if (overtakenBy)
    return el(
      'span',
      {
        class: 'tolerated',
        title: `The ${overtakenBy.action ?? 'heal'} for another fault gave the container a new network namespace, without this loss, before any agent judged it`,
      },
      `overtaken by a ${overtakenBy.action ?? 'heal'} after ${formatDuration(endOf(overtakenBy) - Date.parse(event.at))}`,
    );
  if (tolerated)
    return el(
      'span',
      { class: 'tolerated', title: "No agent judged this loss over the container's threshold: it needs no heal" },
      'within policy',
    );
  return el('span', { class: 'open' }, 'not healed yet');
}

export class TimelineView {
  readonly root = el('section', { class: 'timeline-view', 'aria-label': 'Timeline' });
  private events: Event[] = [];
  private readonly list = el('ol', { class: 'timeline', 'aria-live': 'polite', 'aria-label': 'Heals and faults, newest first' });
  private readonly card = el('div', { class: 'scorecard' });

  constructor() {
    this.root.append(el('h2', {}, 'Chaos scorecard, last hour'), this.card, el('h2', {}, 'Heals and faults'), this.list);
  }

  async load(): Promise<void> {
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const [page, card] = await Promise.all([api.events({ type: READ.join(','), since, limit: KEEP }), api.scorecard(since)]);
    this.events = page.body.events;
    this.renderList();
    this.renderCard(card.body);
  }

  add(event: Event): void {
    if (!READ.includes(event.type) || this.events.some((e) => e.id === event.id)) return;
    this.events = [event, ...this.events].slice(0, KEEP);
    this.renderList();
  }

  private renderList(): void {
    const items = timeline(this.events)
      .filter(({ event }) => SHOWN.includes(event.type))
      .map((entry) => {
        const { event, answers } = entry;
        return el(
          'li',
          { class: `event-${event.type}`, 'data-id': event.id },
          el('time', { datetime: event.at }, new Date(event.at).toLocaleTimeString()),
          el('span', { class: 'who' }, event.container === undefined ? event.host : `${event.host}/${event.container}`), // host events name no container
          el('span', { class: 'what' }, describe(event)),
          event.type === 'fault' ? faultOutcome(entry) : null,
          answers ? el('span', { class: 'joined' }, `answers ${answers.length} fault${answers.length > 1 ? 's' : ''}`) : null,
        );
      });
    this.list.replaceChildren(...(items.length ? items : [el('li', {}, 'Nothing has happened in the last hour.')]));
  }

  private renderCard(card: Scorecard): void {
    const head = el(
      'tr',
      {},
      ...['Host', 'Fault', 'Faults', 'Healed', 'Tolerated', 'Overtaken', 'Never healed', 'Pending', 'Median', 'p95', 'Max'].map((h) =>
        el('th', { scope: 'col' }, h),
      ),
    );
    const rows = card.rows.map((r) =>
      el(
        'tr',
        {},
        ...[r.host, r.kind, r.faults, r.healed, r.tolerated, r.overtaken, r.neverHealed, r.pending].map((v) => el('td', {}, String(v))),
        ...[r.timeToHealMs?.median, r.timeToHealMs?.p95, r.timeToHealMs?.max].map((v) =>
          el('td', { class: 'num' }, v === undefined ? '–' : formatDuration(v)),
        ),
      ),
    );
    this.card.replaceChildren(
      rows.length
        ? el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows))
        : el('p', {}, 'No faults injected in the last hour (the antagonist publishes them when it has AMQP_URL).'),
      el('p', {}, `Restarts no fault explains: ${card.falseRestarts.length}`),
    );
  }
}
