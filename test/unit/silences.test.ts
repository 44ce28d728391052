import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Healer } from '../../agent/healing/healer.js';
import type { HealRecord } from '../../agent/container-results.js';
import { eventSenderProblem } from '../../bus/identity.js';
import { silencesDigest } from '../../bus/silences.js';
import { ApiError } from '../../control/api-error.js';
import { newSilence, SilenceBook, type Silence } from '../../control/silence-book.js';
import { holding, hostSilencesOf, silencesOf } from '../../shared/silence-match.js';
import { FakeClock, FakeRuntime, RecordingLog } from '../support/fakes.js';

const NOW = Date.parse('2026-12-07T20:00:00Z');
const silence = (over: Partial<Silence> = {}): Silence => ({
  id: 's-000000000001',
  containers: 'db-*',
  until: '2026-12-07T21:00:00.000Z',
  reason: 'database upgrade',
  heal: false,
  notify: false,
  by: 'alice',
  createdAt: '2026-12-07T19:00:00.000Z',
  ...over,
});
const created = (s: Silence) => ({ id: '1', type: 'silence' as const, at: s.createdAt, host: 'control', to: 'created', silence: s });
const removed = (s: Silence) => ({ id: '2', type: 'silence' as const, at: s.createdAt, host: 'control', to: 'removed', silence: s });
const context = { id: 's-00000000000a', by: 'alice', now: NOW, maxAheadMs: 7 * 86_400_000, maxAhead: '7D', inForce: 0 };

describe('which silence holds a container (shared by agent, control and dashboard)', () => {
  it('by host (absent: every host), by name pattern, and only until `until`', () => {
    const all = [silence(), silence({ id: 's-000000000002', hosts: ['h2'], containers: '*' })];
    assert.deepEqual(
      silencesOf(all, 'h1', 'db-1', NOW).map((s) => s.id),
      ['s-000000000001'],
    );
    assert.deepEqual(silencesOf(all, 'h1', 'web', NOW), [], 'its pattern only');
    assert.equal(silencesOf(all, 'h2', 'web', NOW).length, 1, 'every container of h2');
    assert.deepEqual(silencesOf(all, 'h1', 'db-1', Date.parse('2026-12-07T21:00:00Z')), [], 'ended at until');
    assert.deepEqual(
      hostSilencesOf(all, 'h2', NOW).map((s) => s.id),
      ['s-000000000002'],
      'only `*` holds the host itself',
    );
    assert.deepEqual(hostSilencesOf(all, 'h1', NOW), []);
    assert.equal(holding(all, 'db-9', NOW)[0]?.id, 's-000000000001', 'soonest to end first');
  });

  it('the digest is of the ids in force, in any order; none in force is the empty string', () => {
    const a = silence();
    const b = silence({ id: 's-000000000002' });
    assert.equal(silencesDigest([a, b], NOW), silencesDigest([b, a], NOW));
    assert.notEqual(silencesDigest([a], NOW), silencesDigest([a, b], NOW));
    assert.equal(silencesDigest([a], Date.parse(a.until)), '');
    assert.equal(silencesDigest([], NOW), '');
  });
});

describe('SilenceBook (control)', () => {
  it('is rebuilt from the stream: created and removed, applied twice changes nothing; ended ones let go', () => {
    const book = new SilenceBook(() => NOW);
    const a = silence();
    const b = silence({ id: 's-000000000002', until: '2026-12-07T20:30:00.000Z' });
    for (const e of [created(a), created(b), created(a)]) book.apply(e);
    assert.deepEqual(
      book.inForce(NOW).map((s) => s.id),
      [b.id, a.id],
      'soonest to end first',
    );
    book.apply(removed(b));
    book.apply(removed(b));
    assert.deepEqual(
      book.inForce(NOW).map((s) => s.id),
      [a.id],
    );
    assert.equal(book.get(a.id, Date.parse(a.until)), undefined, 'ended at until');
  });

  it('each host should hold the digest of its own silences', () => {
    const book = new SilenceBook(() => NOW);
    book.add(silence({ hosts: ['h1'] }));
    assert.equal(book.digestFor('h1', NOW), silencesDigest([silence({ hosts: ['h1'] })], NOW));
    assert.equal(book.digestFor('h2', NOW), '');
  });

  it('holds notifications of its containers, and with `*` of its hosts, unless notify', () => {
    const book = new SilenceBook(() => NOW);
    book.add(silence({ hosts: ['h1'] }));
    book.add(silence({ id: 's-000000000002', hosts: ['h2'], containers: '*', notify: true }));
    book.add(silence({ id: 's-000000000003', hosts: ['h3'], containers: '*' }));
    assert.equal(book.holdsNotification('h1', 'db-1', NOW), true);
    assert.equal(book.holdsNotification('h1', 'web', NOW), false);
    assert.equal(book.holdsNotification('h1', undefined, NOW), false, 'db-* does not hold the host itself');
    assert.equal(book.holdsNotification('h2', 'web', NOW), false, 'notify: true');
    assert.equal(book.holdsNotification('h3', undefined, NOW), true);
    assert.equal(book.holdsNotification('h3', 'web', Date.parse('2026-12-07T21:00:00Z')), false, 'ended');
  });

  it('a new silence: until in the future, within EVENTS_MAX_AGE, at most 100 in force; heal and notify default to false', () => {
    const made = newSilence({ containers: 'db-*', until: '2026-12-07T22:00:00+01:00', reason: 'upgrade' }, context);
    assert.deepEqual(made, {
      id: 's-00000000000a',
      containers: 'db-*',
      until: '2026-12-07T21:00:00.000Z',
      reason: 'upgrade',
      heal: false,
      notify: false,
      by: 'alice',
      createdAt: '2026-12-07T20:00:00.000Z',
    });
    const refused = (until: string, inForce = 0): ApiError => {
      try {
        newSilence({ containers: '*', until, reason: 'x' }, { ...context, inForce });
      } catch (error) {
        if (error instanceof ApiError) return error;
      }
      assert.fail(`${until} was accepted`);
    };
    assert.match(refused('2026-12-07T19:59:59Z').message, /^until: must be in the future/);
    assert.match(refused('2026-12-14T20:00:01Z').message, /^until: must be at most 7D ahead/);
    const full = refused('2026-12-07T21:00:00Z', 100);
    assert.equal(full.status, 409);
    assert.equal(full.code, 'too_many_silences');
  });
});

describe('who may record a silence on the stream', () => {
  it('control only; control tells nothing else there', () => {
    assert.equal(eventSenderProblem('control', { type: 'silence', host: 'control' }), null);
    assert.match(eventSenderProblem('agent-control', { type: 'silence', host: 'control' }) ?? '', /only control records silences/);
    assert.match(eventSenderProblem('agent-h1', { type: 'silence', host: 'h1' }) ?? '', /only control/);
    assert.notEqual(eventSenderProblem('control', { type: 'heal', host: 'h1' }), null);
  });
});

describe('Healer under a silence', () => {
  const setUp = (held: Silence | undefined) => {
    const clock = new FakeClock();
    const runtime = new FakeRuntime();
    const log = new RecordingLog();
    const records: HealRecord[] = [];
    const healer = new Healer(
      runtime,
      clock,
      log,
      { stopTimeoutSec: 3, restartPolicy: { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 } },
      (r) => records.push(r),
      (name, now) => ({
        stopTimeoutSec: 3,
        restartLimit: 2,
        mode: 'act',
        ...(held && holding([held], name, now).length > 0 ? { silence: { id: held.id, until: held.until, reason: held.reason } } : {}),
      }),
    );
    return { clock, runtime, log, records, healer };
  };

  it('holds the heals it covers, tells each once, spends no budget; heals again once it ended', async () => {
    const s = silence({ until: new Date(new FakeClock().now() + 30_000).toISOString() });
    const { clock, runtime, records, healer } = setUp(s);
    runtime.add('db-1', { running: false, status: 'exited', ip: null });
    runtime.add('web', { running: false, status: 'exited', ip: null });
    for (let i = 0; i < 3; i++) await healer.ensureRunning('db-1', 'check');
    await healer.ensureRunning('web', 'check');
    assert.deepEqual(runtime.calls, ['start web'], 'its pattern only');
    assert.deepEqual(
      records.filter((r) => r.name === 'db-1').map((r) => [r.outcome, r.silence?.id]),
      [['silenced', s.id]],
      'told once',
    );
    clock.advance(30_000);
    await healer.ensureRunning('db-1', 'check');
    assert.deepEqual(runtime.calls, ['start web', 'start db-1'], 'ended: healed');
    assert.equal(healer.backoffUntil('db-1'), null);
  });
});
