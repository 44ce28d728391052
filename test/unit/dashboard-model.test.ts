import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultQuery,
  formatBytes,
  formatDuration,
  summarizeHosts,
  timeline,
  visibleContainers,
  withGaps,
  type Container,
  type Event,
} from '../../dashboard/model.js';

const c = (hostname: string, name: string, extra: Partial<Container> = {}): Container => ({
  hostname,
  name,
  status: 'running',
  monitored: true,
  ...extra,
});
const fleet = [
  c('h2', 'web', { lossPercent: 40, restarts: 2 }),
  c('h1', 'db', { status: 'exited', lossPercent: 0 }),
  c('h1', 'web', { restarts: 5 }),
  c('h1', 'cache', { monitored: false }),
];
const names = (list: Container[]) => list.map((x) => `${x.hostname}/${x.name}`);

describe('the fleet table', () => {
  it('sorts by host then name by default, and by any column either way, ties by host and name', () => {
    assert.deepEqual(names(visibleContainers(fleet, defaultQuery)), ['h1/cache', 'h1/db', 'h1/web', 'h2/web']);
    assert.deepEqual(names(visibleContainers(fleet, { ...defaultQuery, sort: 'restarts', descending: true })), [
      'h1/web',
      'h2/web',
      'h1/cache',
      'h1/db',
    ]);
    assert.deepEqual(names(visibleContainers(fleet, { ...defaultQuery, sort: 'lossPercent', descending: true })).slice(0, 2), [
      'h2/web',
      'h1/db',
    ]);
  });

  it('filters by host, status and text in host or name', () => {
    assert.deepEqual(names(visibleContainers(fleet, { ...defaultQuery, host: 'h1', text: 'WEB' })), ['h1/web']);
    assert.deepEqual(names(visibleContainers(fleet, { ...defaultQuery, status: 'exited' })), ['h1/db']);
    assert.deepEqual(names(visibleContainers(fleet, { ...defaultQuery, text: 'h2/' })), ['h2/web']);
  });

  it('counts each host’s containers, running ones and those in backoff', () => {
    const now = Date.parse('2026-11-25T12:00:00Z');
    const hosts = summarizeHosts(
      [{ hostname: 'h1', live: false, lastSeen: '2026-11-25T11:59:00Z' }],
      [...fleet, c('h1', 'storm', { backoffUntil: '2026-11-25T12:01:00Z' }), c('h1', 'old', { backoffUntil: '2026-11-25T11:00:00Z' })],
      now,
    );
    assert.deepEqual(
      hosts.map((h) => [h.containers, h.running, h.inBackoff, h.live]),
      [[5, 4, 1, false]],
    );
  });
});

describe('the timeline', () => {
  const e = (id: number, type: Event['type'], at: string, extra: Partial<Event> = {}): Event => ({
    id: String(id),
    type,
    at: `2026-11-25T12:00:${at}Z`,
    host: 'h1',
    container: 'web',
    ...extra,
  });
  it('joins each fault to the heal that ended after it, with the time from fault to running again; newest first', () => {
    const entries = timeline([
      e(1, 'fault', '00.000', { fault: 'stop' }),
      e(2, 'death', '00.500'),
      e(3, 'heal', '00.600', { action: 'start', outcome: 'ok', durationMs: 400 }),
      e(4, 'fault', '10.000', { container: 'db' }),
    ]);
    assert.deepEqual(
      entries.map((x) => x.event.id),
      ['4', '3', '2', '1'],
    );
    assert.equal(entries[3]?.healedBy?.id, '3');
    assert.equal(entries[3]?.timeToHealMs, 1000);
    assert.deepEqual(
      entries[1]?.answers?.map((f) => f.id),
      ['1'],
    );
    assert.equal(entries[0]?.healedBy, undefined, 'the db fault is not healed yet');
  });

  it('marks a loss fault no agent judged lossy within a minute as within policy, and does not join it to a heal of another fault', () => {
    const entries = timeline([
      e(1, 'fault', '00.000', { fault: 'loss', lossPercent: 50 }),
      { ...e(2, 'fault', '10.000', { fault: 'stop' }), at: '2026-11-25T12:01:10Z' },
      { ...e(3, 'heal', '10.500', { action: 'start', outcome: 'ok', durationMs: 300 }), at: '2026-11-25T12:01:10.500Z' },
    ]);
    const loss = entries.find((x) => x.event.id === '1');
    assert.equal(loss?.healedBy, undefined);
    assert.equal(loss?.tolerated, true);
    assert.equal(entries.find((x) => x.event.id === '2')?.healedBy?.id, '3');
  });

  it('marks a loss fault the start of a stop ended before any verdict as overtaken by that start', () => {
    const entries = timeline([
      e(1, 'fault', '00.000', { fault: 'loss', lossPercent: 100 }),
      e(2, 'fault', '01.500', { fault: 'stop' }),
      e(3, 'heal', '02.000', { action: 'start', outcome: 'ok', durationMs: 300 }),
    ]);
    const loss = entries.find((x) => x.event.id === '1');
    assert.equal(loss?.healedBy, undefined);
    assert.equal(loss?.tolerated, undefined);
    assert.equal(loss?.overtakenBy?.id, '3');
  });
});

describe('formats', () => {
  it('reads bytes and durations as people do', () => {
    assert.equal(formatBytes(512), '512 B');
    assert.equal(formatBytes(10_723_328), '10.2 MB');
    assert.equal(formatBytes(undefined), '–');
    assert.equal(formatDuration(288), '288 ms');
    assert.equal(formatDuration(5190), '5.2 s');
    assert.equal(formatDuration(125_000), '2 min 5 s');
  });
});

describe('charts', () => {
  it('break their line where samples are missing (more than two steps apart)', () => {
    const { xs, ys } = withGaps(
      [
        [0, 1],
        [5000, 2],
        [60_000, 3],
        [65_000, 4],
      ],
      5,
    );
    assert.deepEqual(xs, [0, 5, 10, 60, 65]);
    assert.deepEqual(ys, [1, 2, null, 3, 4]);
  });
});
