/**
 * What the REST API tells of what happened: the events control read from the stream (a page, live,
 * the scorecard of faults and heals) and the metrics' history (Prometheus). Read only.
 */
import { ApiError } from './api-error.js';
import type { EventFilter, EventPage, EventQuery, StoredEvent } from './event-log.js';
import { historyWindow, promql, toHistory, type History, type HistoryQuery } from './history.js';
import type { EventSource, MetricsStore } from './ports.js';
import { scorecard, type Scorecard } from './scorecard.js';

const CATCH_UP_WAIT_MS = 5000;

export class Observations {
  constructor(
    private readonly eventSource: EventSource | null,
    /** Where the metrics' history is kept (Prometheus); null: GET /history is unavailable. */
    private readonly metricsStore: MetricsStore | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** A page of events, newest first, once control has read the stream to its end (or after 5 s). */
  async events(query: EventQuery): Promise<EventPage> {
    const source = this.requireEvents();
    const caughtUp = await source.caughtUp(CATCH_UP_WAIT_MS);
    if (!caughtUp && !source.connected)
      throw new ApiError(503, 'bus_unavailable', 'not connected to RabbitMQ, which keeps the events; it reconnects by itself');
    for (const field of ['since', 'until'] as const) {
      const value = query[field];
      if (value !== undefined && Number.isNaN(Date.parse(value)))
        throw new ApiError(400, 'invalid_request', `${field}: must be a date-time such as 2026-11-25T11:00:00Z`);
    }
    if (query.since !== undefined && query.until !== undefined && Date.parse(query.since) > Date.parse(query.until)) {
      throw new ApiError(400, 'invalid_request', 'since: must not be after until');
    }
    return source.events.query(query);
  }

  /** Faults matched to heals since `since` (default: an hour ago), from the events control holds. */
  async scorecard(query: { since?: string; host?: string }): Promise<Scorecard> {
    const source = this.requireEvents();
    const caughtUp = await source.caughtUp(CATCH_UP_WAIT_MS);
    if (!caughtUp && !source.connected)
      throw new ApiError(503, 'bus_unavailable', 'not connected to RabbitMQ, which keeps the events; it reconnects by itself');
    const now = this.now();
    const since = query.since === undefined ? now - 3600_000 : Date.parse(query.since);
    if (Number.isNaN(since)) throw new ApiError(400, 'invalid_request', 'since: must be a date-time such as 2026-11-25T11:00:00Z');
    if (since > now) throw new ApiError(400, 'invalid_request', 'since: must not be in the future');
    const filter = { type: 'fault,heal,verdict', ...(query.host === undefined ? {} : { host: query.host }) };
    return scorecard(source.events.all(filter, since), since, now);
  }

  /** New events matching the filter as they arrive, until the returned function is called. */
  subscribeEvents(filter: EventFilter, push: (event: StoredEvent) => void): () => void {
    return this.requireEvents().events.subscribe(filter, push);
  }

  private requireEvents(): EventSource {
    if (!this.eventSource) throw new ApiError(503, 'bus_unavailable', 'this control reads no events stream');
    return this.eventSource;
  }

  async history(query: HistoryQuery): Promise<History> {
    if (!this.metricsStore) {
      throw new ApiError(
        503,
        'history_unavailable',
        'GET /history needs Prometheus: start control with PROMETHEUS_URL=http://<prometheus host>:9090 (docker-compose.yml and npm start do)',
      );
    }
    const window = historyWindow(query, this.now());
    const matrix = await this.metricsStore.queryRange(
      promql(query.metric, query, window.stepSeconds),
      window.fromMs,
      window.toMs,
      window.stepSeconds,
    );
    return toHistory(query.metric, window, matrix);
  }
}
