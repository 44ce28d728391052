import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EventLog } from '../../control/event-log.js';
import type { Event } from '../../bus/messages.js';

const DAY = 86_400_000;
const event = (s: number, type: Event['type'], host = 'h1', container = 'web'): Event => ({
  kind: 'event',
  type,
  at: new Date(s * 1000).toISOString(),
  host,
  container,
});

describe('EventLog', () => {
  it('answers newest first, filtered by host, container, type (several) and time, with a cursor to the next page', () => {
    const log = new EventLog(7 * DAY, 300_000);
    log.append(10, event(1, 'fault'), 0, 300);
    log.append(11, event(2, 'death'), 0, 300);
    log.append(12, event(3, 'heal'), 0, 300);
    log.append(13, event(4, 'heal', 'h2'), 0, 300);
    log.append(14, event(5, 'verdict', 'h1', 'db'), 0, 300);
    assert.deepEqual(
      log.query({ host: 'h1', container: 'web' }).events.map((e) => e.id),
      ['12', '11', '10'],
    );
    assert.deepEqual(
      log.query({ type: 'heal,fault' }).events.map((e) => e.id),
      ['13', '12', '10'],
    );
    assert.deepEqual(
      log.query({ since: new Date(2000).toISOString(), until: new Date(3000).toISOString() }).events.map((e) => e.id),
      ['12', '11'],
    );
    const first = log.query({ limit: 2 });
    assert.deepEqual([first.events.map((e) => e.id), first.next], [['14', '13'], '13']);
    const second = log.query({ limit: 2, before: first.next ?? '' });
    assert.deepEqual([second.events.map((e) => e.id), second.next], [['12', '11'], '11']);
    const last = log.query({ limit: 2, before: second.next ?? '' });
    assert.deepEqual([last.events.map((e) => e.id), last.next], [['10'], undefined]);
    assert.equal('kind' in (last.events[0] ?? {}), false, 'the bus envelope field is not part of the API');
  });

  it('ignores an offset it already has (redelivery after a reconnect) and resumes after the last', () => {
    const log = new EventLog(7 * DAY, 300_000);
    assert.equal(log.nextOffset, null);
    log.append(5, event(1, 'heal'), 0, 300);
    log.append(5, event(1, 'heal'), 0, 300);
    assert.equal(log.size, 1);
    assert.equal(log.nextOffset, 6);
  });

  it('lets go of the oldest events beyond the memory limit (in bytes) and of those older than the max age', () => {
    const log = new EventLog(DAY, 100 * 300);
    for (let i = 0; i < 250; i++) log.append(i, event(i, 'heal'), 0, 300);
    assert.ok(log.size <= 110 && log.size >= 100, String(log.size));
    assert.equal(log.query({ limit: 1 }).events[0]?.id, '249', 'the newest stay');
    log.append(500, event(500, 'heal'), 0, 20 * 300);
    assert.ok(log.bytes <= 100 * 300 * 1.1, String(log.bytes));
    assert.ok(log.size <= 100 - 20 + 10, `one large event weighs what it is: ${log.size} held`);
    log.append(1000, event(3 * 86_400, 'heal'), 3 * DAY, 300);
    assert.deepEqual(
      log.query({}).events.map((e) => e.id),
      ['1000'],
    );
  });

  it('gives each event its stream offset as id, whatever id its sender wrote', () => {
    const log = new EventLog(DAY, 100 * 300);
    log.append(7, { ...event(1, 'heal'), id: '999999' } as Event, 0, 300);
    log.append(8, event(2, 'heal'), 0, 300);
    assert.deepEqual(
      log.query({}).events.map((e) => e.id),
      ['8', '7'],
    );
    assert.deepEqual(
      log.query({ limit: 1, before: '8' }).events.map((e) => e.id),
      ['7'],
      'paging still works',
    );
  });

  it('ends a page at about a megabyte of events, however large its limit, with a cursor to the rest', () => {
    const log = new EventLog(DAY, 64 * 1024 * 1024);
    for (let i = 0; i < 10; i++) log.append(i, event(i, 'heal'), 0, 250 * 1024);
    const first = log.query({ limit: 1000 });
    assert.equal(first.events.length, 4, '4 x 250 KiB fit in 1 MiB');
    assert.equal(first.next, '6');
    assert.equal(log.query({ limit: 1000, before: first.next ?? '' }).events.length, 4);
  });

  it('pushes new matching events to subscribers until they leave', () => {
    const log = new EventLog(DAY, 100 * 300);
    const seen: string[] = [];
    const leave = log.subscribe({ type: 'heal' }, (e) => seen.push(e.id));
    log.append(1, event(1, 'death'), 0, 300);
    log.append(2, event(2, 'heal'), 0, 300);
    leave();
    log.append(3, event(3, 'heal'), 0, 300);
    assert.deepEqual(seen, ['2']);
  });
});
