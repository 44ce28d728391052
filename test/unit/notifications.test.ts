import assert from 'node:assert/strict';
import { waitFor } from '../../lab/wait.js';
import { createServer, type Server } from 'node:http';
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import {
  hostChanges,
  hostNotification,
  notificationOf,
  RateLimit,
  rateKey,
  wants,
  type Notification,
  type WebhookFormat,
} from '../../control/notifications.js';
import { emailFor, requestFor } from '../../control/channels.js';
import { parseTargets } from '../../control/webhook-targets.js';
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
    const held = {
      id: '4',
      type: 'silenced' as const,
      at: heal('ok').at,
      host: 'h1',
      container: 'db',
      action: 'start' as const,
      silenceId: 's-000000000001',
    };
    assert.equal(notificationOf(held)?.kind, 'notify', 'a heal a silence held (sent only where the silence says notify)');
    assert.match(notificationOf(held)?.text ?? '', /^db on h1: would start, not done \(held by silence s-000000000001 until/);
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
    const body = (format: WebhookFormat, heldBack = 0): Record<string, unknown> =>
      JSON.parse(requestFor({ url: 'http://x', format, on: [] }, n, heldBack).body) as Record<string, unknown>;
    assert.deepEqual(body('slack'), { text: '[watchdog] web on h1: restart failed (loss 100%)' });
    assert.deepEqual(body('discord', 2), {
      content: '[watchdog] web on h1: restart failed (loss 100%) (+2 more held back by the rate limit)',
    });
    const json = body('json');
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
    assert.throws(
      () => parseTargets('[{"url":"http://x","format":"sms"}]'),
      /format: must be json, slack, discord, ntfy, telegram, teams, pagerduty, email/,
    );
    assert.throws(() => parseTargets('[{"url":"http://x","format":"telegram"}]'), /target 1: chatId: telegram needs the chat's id/);
    assert.throws(() => parseTargets('[{"url":"http://x","format":"pagerduty","routingKey":"short"}]'), /routingKey: pagerduty needs/);
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

  it('each channel gets its own request: ntfy, telegram, teams, pagerduty (trigger, then resolve with the same dedup key)', async () => {
    const got: { path: string; type: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString()));
      req.on('end', () => {
        got.push({ path: req.url ?? '', type: req.headers['content-type'] ?? '', headers: req.headers, body: text });
        res.writeHead(200).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const sender = new WebhookSender(
      [
        { url: `${base}/ntfy/watchdog-alerts`, format: 'ntfy', on: ['host-silent', 'host-back'] },
        { url: `${base}/bot123:secret/sendMessage`, format: 'telegram', chatId: '-1001234', on: ['host-silent'] },
        { url: `${base}/teams`, format: 'teams', on: ['host-silent'] },
        {
          url: `${base}/v2/enqueue`,
          format: 'pagerduty',
          routingKey: 'R0123456789abcdef0123456789abcde',
          on: ['host-silent', 'host-back'],
        },
      ],
      { rateLimitMs: 0, timeoutMs: 1000, tries: 1, retryBaseMs: 10, maxQueue: 10, publicUrl: 'https://watchdog.example/' },
      quietLog().log,
    );
    sender.notify(hostNotification('host-silent', 'h1', 0));
    await waitFor('four requests', () => got.length >= 4, 5000, 10);
    sender.notify(hostNotification('host-back', 'h1', 1000));
    await waitFor('two more', () => got.length >= 6, 5000, 10);
    const to = (path: string) => got.filter((g) => g.path.startsWith(path));
    const [ntfy, ntfyBack] = to('/ntfy/');
    assert.equal(ntfy?.type, 'text/plain; charset=utf-8');
    assert.equal(ntfy?.body, '[watchdog] host h1 is silent: no heartbeat from its agent https://watchdog.example/');
    assert.deepEqual(
      [ntfy?.headers['title'], ntfy?.headers['priority'], ntfy?.headers['tags']],
      ['watchdog: host-silent on h1', 'urgent', 'rotating_light'],
    );
    assert.deepEqual([ntfyBack?.headers['priority'], ntfyBack?.headers['tags']], ['default', 'white_check_mark']);
    const telegram = JSON.parse(to('/bot')[0]?.body ?? '{}') as Record<string, unknown>;
    assert.deepEqual(
      [telegram['chat_id'], telegram['text']],
      ['-1001234', '[watchdog] host h1 is silent: no heartbeat from its agent https://watchdog.example/'],
    );
    const teams = JSON.parse(to('/teams')[0]?.body ?? '{}') as {
      attachments: { contentType: string; content: { type: string; body: { text: string }[] } }[];
    };
    assert.equal(teams.attachments[0]?.contentType, 'application/vnd.microsoft.card.adaptive');
    assert.equal(teams.attachments[0]?.content.type, 'AdaptiveCard');
    assert.match(teams.attachments[0]?.content.body[1]?.text ?? '', /host h1 is silent/);
    const [trigger, resolve] = to('/v2/enqueue').map((g) => JSON.parse(g.body) as Record<string, unknown>);
    assert.deepEqual([trigger?.['event_action'], resolve?.['event_action']], ['trigger', 'resolve']);
    assert.equal(trigger?.['routing_key'], 'R0123456789abcdef0123456789abcde');
    assert.equal(trigger?.['dedup_key'], resolve?.['dedup_key'], 'the recovery resolves the alert it raised');
    assert.equal((trigger?.['payload'] as { severity: string }).severity, 'critical');
    sender.close();
  });

  it("email: over SMTP with the URL's login, to the addresses given; what happened in the subject, the evidence and the link in the text", async () => {
    const mails: { from: string; to: string[]; user: string; data: string }[] = [];
    const smtp = new SMTPServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (auth, _session, done) =>
        auth.username === 'watchdog' && auth.password === 's3cret' ? done(null, { user: auth.username }) : done(new Error('bad login')),
      onData: (stream, session, done) => {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            user: String(session.user),
            data,
          });
          done();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const port = (smtp.server.address() as AddressInfo).port;
    const [target] = parseTargets(
      JSON.stringify([
        {
          url: `smtp://watchdog:s3cret@127.0.0.1:${port}`,
          format: 'email',
          to: 'ops@example.com, oncall@example.com',
          from: 'watchdog@example.com',
        },
      ]),
    );
    assert.ok(target);
    const { lines, log } = quietLog();
    const sender = new WebhookSender(
      [target],
      { rateLimitMs: 0, timeoutMs: 2000, tries: 1, retryBaseMs: 10, maxQueue: 10, publicUrl: 'https://watchdog.example' },
      log,
    );
    sender.notify(notificationOf(heal('failed')) ?? assert.fail());
    await waitFor('the mail', () => mails.length >= 1 || lines.length >= 1, 5000, 10);
    sender.close();
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    assert.deepEqual(lines, []);
    const [mail] = mails;
    assert.deepEqual([mail?.from, mail?.to, mail?.user], ['watchdog@example.com', ['ops@example.com', 'oncall@example.com'], 'watchdog']);
    assert.match(mail?.data ?? '', /^Subject: \[watchdog\] critical: heal-failed - web on h1$/m);
    assert.match(mail?.data ?? '', /web on h1: restart failed \(loss 100%\)/);
    assert.match(mail?.data ?? '', /In the dashboard: https:\/\/watchdog\.example\/#\/c\/h1\/web/);
    assert.deepEqual(emailFor(notificationOf(heal('failed')) ?? assert.fail(), 0).subject, '[watchdog] critical: heal-failed - web on h1');
    assert.throws(
      () => parseTargets('[{"url":"http://x","format":"email","to":"ops@example.com"}]'),
      /email needs an smtp:\/\/ or smtps:\/\/ URL/,
    );
    assert.throws(() => parseTargets('[{"url":"smtp://x","format":"email","to":"nobody"}]'), /to: email needs the addresses/);
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
