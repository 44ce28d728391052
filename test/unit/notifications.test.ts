import assert from 'node:assert/strict';
import { waitFor } from '../../lab/wait.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  bodyFor,
  hostChanges,
  hostNotification,
  notificationOf,
  parseTargets,
  RateLimit,
  rateKey,
  wants,
  type Notification,
} from '../../control/notifications.js';
import { WebhookSender } from '../../control/webhook-sender.js';
import { readControlConfig } from '../../control/config.js';

const heal = (outcome: string, container = 'web') => ({
  id: '1',
  type: 'heal' as const,
  at: '2026-11-25T10:00:00.000Z',
  host: 'h1',
  container,
  action: 'restart' as const,
  outcome: outcome as 'ok',
  reason: 'loss 100%',
  durationMs: 300,
});

describe('notifications', () => {
  it('makes a notification of the events a target can ask for', () => {
    assert.equal(notificationOf(heal('failed'))?.kind, 'heal-failed');
    assert.equal(notificationOf(heal('notified'))?.kind, 'notify');
    assert.equal(notificationOf(heal('dry-run'))?.kind, 'notify');
    assert.equal(notificationOf(heal('ok'))?.kind, 'heal');
    assert.equal(
      notificationOf({ id: '2', type: 'backoff', at: heal('ok').at, host: 'h1', container: 'web', until: '2026-11-25T10:01:00.000Z' })
        ?.kind,
      'backoff',
    );
    assert.equal(notificationOf({ id: '3', type: 'death', at: heal('ok').at, host: 'h1', container: 'web' }), null);
  });

  it('filters by kind, host and container pattern', () => {
    const n = notificationOf(heal('failed', 'db-1'));
    assert.ok(n);
    assert.equal(wants({ url: 'http://x', format: 'json', on: ['heal-failed'] }, n), true);
    assert.equal(wants({ url: 'http://x', format: 'json', on: ['backoff'] }, n), false);
    assert.equal(wants({ url: 'http://x', format: 'json', on: ['heal-failed'], hosts: ['h2'] }, n), false);
    assert.equal(wants({ url: 'http://x', format: 'json', on: ['heal-failed'], containers: 'db-*' }, n), true);
    assert.equal(wants({ url: 'http://x', format: 'json', on: ['heal-failed'], containers: 'web*' }, n), false);
  });

  it('lets one notification per key through per window, and counts the rest', () => {
    const limit = new RateLimit(60_000);
    assert.equal(limit.admit('k', 0), 0);
    assert.equal(limit.admit('k', 1000), null);
    assert.equal(limit.admit('k', 2000), null);
    assert.equal(limit.admit('other', 2000), 0);
    assert.equal(limit.admit('k', 60_000), 2);
  });

  it('writes Slack, Discord and generic bodies', () => {
    const n = notificationOf(heal('failed'));
    assert.ok(n);
    assert.deepEqual(bodyFor('slack', n, 0), { text: '[watchdog] web on h1: restart failed (loss 100%)' });
    assert.deepEqual(bodyFor('discord', n, 2), {
      content: '[watchdog] web on h1: restart failed (loss 100%) (+2 more held back by the rate limit)',
    });
    const json = bodyFor('json', n, 0) as Record<string, unknown>;
    assert.equal(json['kind'], 'heal-failed');
    assert.equal((json['event'] as { outcome: string }).outcome, 'failed');
  });

  it('tells hosts that fell silent and came back', () => {
    assert.deepEqual(hostChanges(new Set(), ['h2'], ['h1']), { silent: ['h2'], back: [] });
    assert.deepEqual(hostChanges(new Set(['h2']), ['h2'], ['h1']), { silent: [], back: [] });
    assert.deepEqual(hostChanges(new Set(['h2']), [], ['h1', 'h2']), { silent: [], back: ['h2'] });
  });

  it('reads targets, and names what is wrong without showing a URL', () => {
    assert.deepEqual(parseTargets('[{"url":"https://hooks.slack.com/services/T/B/secret","format":"slack","on":["backoff"]}]'), [
      { url: 'https://hooks.slack.com/services/T/B/secret', format: 'slack', on: ['backoff'] },
    ]);
    assert.throws(() => parseTargets('{}'), /must be a JSON array/);
    assert.throws(() => parseTargets('[{"url":"ftp://x"}]'), /target 1: url: must be an http/);
    assert.throws(() => parseTargets('[{"url":"http://x","on":["everything"]}]'), /target 1: on: must be a list of/);
    assert.throws(() => parseTargets('[{"url":"http://x","format":"teams"}]'), /format: must be json, slack or discord/);
    assert.throws(
      () => readControlConfig({ WEBHOOKS: '[{"url":"https://hooks.example/secret-path","format":"x"}]' }),
      (error: Error) => /WEBHOOKS: target 1: format/.test(error.message) && !error.message.includes('secret-path'),
    );
  });
});

describe('webhook sender (a real local HTTP receiver)', () => {
  const servers: Server[] = [];
  after(() => servers.forEach((s) => s.close()));
  const receiver = async (answer: (n: number) => number | 'hang'): Promise<{ url: string; bodies: object[] }> => {
    const bodies: object[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        bodies.push(JSON.parse(text) as object);
        const status = answer(bodies.length);
        if (status !== 'hang') res.writeHead(status).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook/secret`, bodies };
  };
  const quietLog = () => {
    const lines: string[] = [];
    return { lines, log: { warn: (m: string) => void lines.push(m) } };
  };

  it('retries a failing receiver with backoff, and logs the origin only when it gives up', async () => {
    const { url, bodies } = await receiver(() => 500);
    const { lines, log } = quietLog();
    const sender = new WebhookSender(
      [{ url, format: 'json', on: ['heal-failed'] }],
      { rateLimitMs: 0, timeoutMs: 1000, tries: 3, retryBaseMs: 10, maxQueue: 10 },
      log,
    );
    sender.notify(notificationOf(heal('failed')) ?? assert.fail());
    // Three tries and the give-up line: waited for, not assumed within a fixed 300 ms (it failed so on a busy machine).
    await waitFor('three tries and the give-up line', () => bodies.length >= 3 && lines.length >= 1, 5000, 10);
    await new Promise((resolve) => setTimeout(resolve, 100)); // no fourth try
    assert.equal(bodies.length, 3);
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /webhook 1 \(http:\/\/127\.0\.0\.1:\d+\): a heal-failed notification was not delivered: HTTP 500/);
    assert.ok(!lines[0]?.includes('secret'));
  });

  it('a hanging receiver does not hold up the caller', async () => {
    const { url, bodies } = await receiver(() => 'hang');
    const { log } = quietLog();
    const sender = new WebhookSender(
      [{ url, format: 'slack', on: ['heal'] }],
      { rateLimitMs: 0, timeoutMs: 200, tries: 1, retryBaseMs: 10, maxQueue: 10 },
      log,
    );
    const started = performance.now();
    for (let i = 0; i < 100; i++) sender.notify(notificationOf(heal('ok', `c${i}`)) ?? assert.fail());
    assert.ok(performance.now() - started < 100, 'notify returns at once');
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(bodies.length, 2, 'one request at a time: the second after the first timed out');
    sender.close();
  });
});

describe('rate limit keys', () => {
  const hostEvent = (to: string): Notification =>
    notificationOf({
      id: '1',
      type: 'host-network',
      at: '2026-12-07T10:00:00.000Z',
      host: 'h1',
      to,
      ...(to === 'broken' ? { reason: 'the path canary is lossy itself' } : { durationMs: 5000 }),
    }) ?? assert.fail();

  it("a host's change of state always goes; only repeats of one state share a window", () => {
    const limit = new RateLimit(60_000);
    const admitted = (n: Notification, at: number) => limit.admit(`0|${rateKey(n)}`, at) !== null;
    assert.equal(admitted(hostEvent('broken'), 0), true);
    assert.equal(admitted(hostEvent('ok'), 1000), true, 'the recovery right after the fault');
    assert.equal(admitted(hostEvent('broken'), 2000), false, 'the same state again within the window');
    assert.equal(admitted(hostNotification('host-silent', 'h1', 3000), 3000), true);
    assert.equal(admitted(hostNotification('host-back', 'h1', 4000), 4000), true, 'back right after silent');
    assert.equal(rateKey({ ...hostEvent('ok'), container: 'web' }), 'h1|web', 'a container notification is counted against its container');
  });
});
