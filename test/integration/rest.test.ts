/**
 * Every status code in openapi.yaml, through the real control service, broker and agent: a clear
 * JSON error for every bad request, never a 500, and nothing changed by a rejected call.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { networkInterfaces } from 'node:os';
import { after, before, describe, it } from 'node:test';
import { agentQueue } from '../../bus/topology.js';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { announceSilentHost, deleteAgentQueues, withChannel } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, engine, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const TOKEN = 's3cret-token';
const auth = { Authorization: `Bearer ${TOKEN}` };
const host = `rest-${runId}`;
const brokenHost = `broken-${runId}`;
/** A host that sends heartbeats and has its durable queue, but whose agent never reads it. */
const ghost = `ghost-${runId}`;
const target = uniqueName('rest');
const docker = engine();

let control: ControlProcess;
let agent: AgentProcess;
let broken: AgentProcess;

interface ErrorBody {
  error: string;
  message: string;
  details?: { field: string; rule: string }[];
}

const ghostQueueDepth = () => withChannel(async (channel) => (await channel.checkQueue(agentQueue(ghost))).messageCount);
const threshold = async (hostname: string) =>
  (await http<{ hostname: string; threshold: number }[]>('GET', `${control.url}/hosts`)).body.find((h) => h.hostname === hostname)
    ?.threshold;

/** The host's threshold as its first heartbeat after now reports it. */
async function thresholdAfterNextHeartbeat(hostname: string): Promise<number | undefined> {
  const since = new Date().toISOString();
  const host = await waitFor(
    'the next heartbeat',
    async () =>
      (await http<{ hostname: string; threshold: number; lastSeen: string }[]>('GET', `${control.url}/hosts`)).body.find(
        (h) => h.hostname === hostname && h.lastSeen > since,
      ),
    10_000,
    100,
  );
  return host.threshold;
}

before(async () => {
  await createTarget(target);
  control = await startControl({ API_TOKEN: TOKEN, GATHER_TIMEOUT_MS: '1500' });
  agent = startAgent({ AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, CHECK_INTERVAL_MS: '1000', LOSS_THRESHOLD: '60' });
  // Its state file cannot be written (nothing can be created under /proc): changes fail on the agent.
  broken = startAgent({
    AMQP_URL: agentBrokerUrl(brokenHost),
    AGENT_HOSTNAME: brokenHost,
    CHECK_INTERVAL_MS: '1000',
    STATE_FILE: '/proc/watchdog-test/state.json',
  });
  await waitFor(
    'the agents to be live',
    async () => {
      const hosts = (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body;
      return [host, brokenHost].every((h) => hosts.some((x) => x.hostname === h && x.live));
    },
    20_000,
    100,
  );
});

after(async () => {
  await Promise.all([agent?.stop(), broken?.stop(), control?.stop()]);
  await deleteAgentQueues([host, brokenHost, ghost]);
  await removeRunContainers(docker);
});

describe('REST API: every status code', () => {
  it('200: reads need no token', async () => {
    const list = await http<unknown[]>('GET', `${control.url}/containers`);
    assert.equal(list.status, 200);
    assert.ok(Array.isArray(list.body));
    assert.equal((await http('GET', `${control.url}/hosts`)).status, 200);
    const health = await http<{ status: string; bus: string; liveHosts: number }>('GET', `${control.url}/health`);
    assert.equal(health.status, 200);
    assert.equal(health.body.bus, 'connected');
  });

  it('200: changes with the right token', async () => {
    const put = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '55', headers: auth });
    assert.equal(put.status, 502, 'accepted; the broken host refuses it (the 502 test), ours applies it');
    assert.match(put.body.message, new RegExp(`applied by ${host}`));
    const post = await http<{ monitored: boolean }>('POST', `${control.url}/containers/${host}/${target}`, { headers: auth });
    assert.equal(post.status, 200);
    const policy = await http('PUT', `${control.url}/containers/${host}/${target}/policy`, { body: '{}', headers: auth });
    assert.equal(policy.status, 200);
    assert.equal(post.body.monitored, true);
    const del = await http<{ monitored: boolean }>('DELETE', `${control.url}/containers/${host}/${target}`, { headers: auth });
    assert.equal(del.status, 200);
    assert.equal(del.body.monitored, false);
    await waitFor('the heartbeat to carry 55', async () => (await threshold(host)) === 55, 5_000, 100);
  });

  it('401: changes without a token or with a wrong one, and nothing changes', async () => {
    const attempts: Record<string, string>[] = [{}, { Authorization: 'Bearer wrong-token' }, { Authorization: TOKEN }];
    for (const headers of attempts) {
      const put = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '5', headers });
      assert.equal(put.status, 401);
      assert.equal(put.body.error, 'unauthorized');
      assert.equal(put.headers.get('www-authenticate'), 'Bearer');
      assert.equal((await http('POST', `${control.url}/containers/${host}/${target}`, { headers })).status, 401);
      assert.equal((await http('DELETE', `${control.url}/containers/${host}/${target}`, { headers })).status, 401);
    }
    assert.equal(await thresholdAfterNextHeartbeat(host), 55);
  });

  it('400: bad threshold bodies name the field and the rule', async () => {
    const cases: [string | undefined, RegExp][] = [
      ['"80"', /body: must be number/],
      ['101', /body: must be <= 100/],
      ['-1', /body: must be >= 0/],
      ['{"threshold": 80}', /body: must be number/],
      ['{oops', /body: must be valid JSON/],
      [undefined, /body: is required, as JSON sent with Content-Type: application\/json/],
    ];
    for (const [body, rule] of cases) {
      const result = await http<ErrorBody>('PUT', `${control.url}/threshold`, { headers: auth, ...(body === undefined ? {} : { body }) });
      assert.equal(result.status, 400, `${body}`);
      assert.equal(result.body.error, 'invalid_request');
      assert.match(result.body.message, rule);
      assert.equal(result.body.details?.[0]?.field, 'body');
    }
    assert.equal(await thresholdAfterNextHeartbeat(host), 55, 'nothing changed');
  });

  it('400: bad host and container names', async () => {
    const badContainer = await http<ErrorBody>('POST', `${control.url}/containers/${host}/-dash`, { headers: auth });
    assert.equal(badContainer.status, 400);
    assert.equal(badContainer.body.details?.[0]?.field, 'containerName');
    const badHost = await http<ErrorBody>('DELETE', `${control.url}/containers/bad%20host/${target}`, { headers: auth });
    assert.equal(badHost.status, 400);
    assert.equal(badHost.body.details?.[0]?.field, 'hostname');
  });

  it('404: unknown host, unknown container, unknown path', async () => {
    const noHost = await http<ErrorBody>('POST', `${control.url}/containers/nobody-${runId}/${target}`, { headers: auth });
    assert.equal(noHost.status, 404);
    assert.equal(noHost.body.error, 'unknown_host');
    const noContainer = await http<ErrorBody>('POST', `${control.url}/containers/${host}/missing-${runId}`, { headers: auth });
    assert.equal(noContainer.status, 404);
    assert.equal(noContainer.body.error, 'unknown_container');
    const noPath = await http<ErrorBody>('GET', `${control.url}/containerz`);
    assert.equal(noPath.status, 404);
    assert.equal(noPath.body.error, 'not_found');
  });

  it('405: wrong methods, with the Allow header listing the right ones', async () => {
    const cases = [
      ['PATCH', '/threshold', 'PUT'],
      ['GET', '/threshold', 'PUT'],
      ['PUT', '/containers', 'GET, HEAD'],
      ['GET', `/containers/${host}/${target}`, 'POST, DELETE'],
    ] as const;
    for (const [method, path, allow] of cases) {
      const result = await http<ErrorBody>(method, `${control.url}${path}`, { headers: auth });
      assert.equal(result.status, 405, `${method} ${path}`);
      assert.equal(result.body.error, 'method_not_allowed');
      assert.equal(result.headers.get('allow'), allow, `${method} ${path}`);
    }
  });

  it('400: a path segment that is not valid percent-encoding names the segment, with or without a token; no 500', async () => {
    for (const [path, field] of [
      [`${host}/a%zz`, 'containerName'],
      [`${host}/abc%`, 'containerName'],
      [`a%FF/${target}`, 'hostname'],
      [`%E0%A4%A/${target}`, 'hostname'],
    ] as const) {
      for (const headers of [auth, {}]) {
        const result = await http<ErrorBody>('POST', `${control.url}/containers/${path}`, { headers });
        assert.equal(result.status, 400, path);
        assert.equal(result.body.details?.[0]?.field, field, path);
        assert.match(result.body.message, /is not valid percent-encoding/);
      }
    }
    assert.doesNotMatch(control.output(), /URIError/);
  });

  it('400: bad GET /containers filters name the parameter; 404 for a host query with no live agent', async () => {
    for (const [query, field] of [
      ['status=runing', 'status'],
      ['status=running,', 'status'],
      ['monitored=yes', 'monitored'],
      ['name=web%2F1', 'name'],
      ['host=bad%20host', 'host'],
    ] as const) {
      const result = await http<ErrorBody>('GET', `${control.url}/containers?${query}`);
      assert.equal(result.status, 400, query);
      assert.equal(result.body.details?.[0]?.field, field, query);
    }
    const noHost = await http<ErrorBody>('GET', `${control.url}/containers?host=nobody-${runId}`);
    assert.equal(noHost.status, 404);
    assert.equal(noHost.body.error, 'unknown_host');
  });

  it('400: an unknown query parameter is named', async () => {
    const result = await http<ErrorBody>('GET', `${control.url}/containers?x=1`);
    assert.equal(result.status, 400);
    assert.deepEqual(result.body.details, [{ field: 'query.x', rule: 'is not a parameter of this call' }]);
  });

  it('413 for a body over 16 KB, 431 for headers over 16 KB, both as JSON; nothing changes', async () => {
    const big = await http<ErrorBody>('PUT', `${control.url}/threshold`, { headers: auth, body: '1'.repeat(1_200_000) });
    assert.equal(big.status, 413);
    assert.equal(big.body.error, 'too_large');
    const huge = await http<ErrorBody>('GET', `${control.url}/hosts`, { headers: { 'X-Padding': 'a'.repeat(20_000) } });
    assert.equal(huge.status, 431);
    assert.equal(huge.body.error, 'headers_too_large');
    assert.equal(await thresholdAfterNextHeartbeat(host), 55, 'nothing changed');
  });

  it('HEAD is answered like GET, without a body (health checkers use it)', async () => {
    for (const path of ['/health', '/hosts', '/containers']) {
      const result = await http('HEAD', `${control.url}${path}`);
      assert.equal(result.status, 200, path);
      assert.equal(result.body, '');
      assert.match(result.headers.get('content-type') ?? '', /application\/json/);
    }
  });

  it('the bearer scheme is case-insensitive, as HTTP says', async () => {
    const result = await http<{ monitored: boolean }>('POST', `${control.url}/containers/${host}/${target}`, {
      headers: { Authorization: `bearer ${TOKEN}` },
    });
    assert.equal(result.status, 200, JSON.stringify(result.body));
    assert.equal(result.body.monitored, true);
  });

  it('502: the agent cannot apply the change, and says why', async () => {
    const result = await http<ErrorBody>('POST', `${control.url}/containers/${brokenHost}/${target}`, { headers: auth });
    assert.equal(result.status, 502);
    assert.equal(result.body.error, 'agent_failed');
    assert.match(result.body.message, /could not save the monitored list/);
    // A threshold for every host: the one that read it and refused it is a failure, named with its reason, not a wait.
    const put = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '55', headers: auth });
    assert.equal(put.status, 502);
    assert.equal(put.body.error, 'agent_failed');
    assert.match(put.body.message, new RegExp(`host ${brokenHost} refused it: could not save the threshold.*applied by ${host}`));
    await broken.stop(); // gone, so the 202 below is about a silent host alone
  });

  it('504 and 202: a live host that does not confirm; the command waits in its queue', async () => {
    await announceSilentHost(ghost);
    const depth = await ghostQueueDepth();
    const post = await http<ErrorBody>('POST', `${control.url}/containers/${ghost}/${target}`, { headers: auth });
    assert.equal(post.status, 504);
    assert.equal(post.body.error, 'not_confirmed');
    assert.match(post.body.message, /RabbitMQ confirmed the command: it waits in the host's queue or is being applied/);
    assert.match(String((post.body as { commandId?: string }).commandId), /^[0-9a-f-]{36}$/, 'the id its command event will carry');
    assert.ok(post.ms >= 1400, `waited ${post.ms.toFixed(0)} ms for the 1500 ms deadline`);
    assert.equal(await ghostQueueDepth(), depth + 1, 'the command is queued for the host');

    await announceSilentHost(ghost);
    const put = await http<{ threshold: number; confirmed: string[]; unconfirmed: string[] }>('PUT', `${control.url}/threshold`, {
      body: '55',
      headers: auth,
    });
    assert.equal(put.status, 202);
    assert.ok(put.body.confirmed.includes(host));
    assert.ok(put.body.unconfirmed.includes(ghost));
  });

  it('503: the bus is unreachable, and nothing is sent', async () => {
    const offline = await startControl({ AMQP_URL: 'amqp://guest:guest@127.0.0.1:1' });
    try {
      const list = await http<ErrorBody>('GET', `${offline.url}/containers`);
      assert.equal(list.status, 503);
      assert.equal(list.body.error, 'bus_unavailable');
      assert.equal((await http('PUT', `${offline.url}/threshold`, { body: '10' })).status, 503);
      const post = await http<ErrorBody>('POST', `${offline.url}/containers/${host}/${target}`);
      assert.deepEqual(
        [post.status, post.body.error],
        [503, 'bus_unavailable'],
        'without the bus no agent could be asked: 503, not 404 unknown_host (clients retry a 503)',
      );
      const health = await http<{ bus: string }>('GET', `${offline.url}/health`);
      assert.equal(health.status, 503);
      assert.equal(health.body.bus, 'disconnected');
      assert.equal(offline.child.exitCode, null, 'it keeps running and retrying');
    } finally {
      await offline.stop();
    }
  });

  it('refuses to start on a bad environment value and names it', async () => {
    await assert.rejects(
      startControl({ PORT: 'eighty', GATHER_TIMEOUT_MS: '-5' }),
      /PORT="eighty" must be an integer[\s\S]*GATHER_TIMEOUT_MS="-5"/,
    );
  });
});

/** One request with the headers exactly as given (a name twice sends two lines), as a raw client would. */
function raw(
  url: string,
  method: string,
  headers: Record<string, string | string[]>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    for (const [name, value] of Object.entries(headers)) req.setHeader(name, value);
    req.on('error', reject);
    req.end(body);
  });
}

describe('REST API: the edges an independent fuzzer found (issue 26 #6)', () => {
  it("HEAD /events/live answers the stream's headers and ends, instead of holding the connection", async () => {
    const head = await http('HEAD', `${control.url}/events/live`);
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    assert.ok(head.ms < 3000, `ended in ${Math.round(head.ms)} ms`);
  });

  it('a dashboard file that is not there is 404 not_found naming only the path asked for; so is a path out of the folder', async () => {
    const missing = await http<ErrorBody>('GET', `${control.url}/assets/nope.js`);
    assert.deepEqual([missing.status, missing.body.error, missing.body.message], [404, 'not_found', 'no such file: /assets/nope.js']);
    const out = await raw(`${control.url}/assets/%2e%2e/%2e%2e/etc/passwd`, 'GET', {});
    assert.equal(out.status, 404, out.body);
    assert.doesNotMatch(out.body, /\/work|\/app|dist|ENOENT/, 'no server path in the answer');
  });

  it('dates, integers and repeated parameters are read strictly: since=1, limit=0x3, step=1e3, limit twice are 400 with details', async () => {
    for (const [path, field] of [
      ['/events?since=1', 'since'],
      ['/events?until=2026-12-07', 'until'],
      ['/events?limit=0x3', 'limit'],
      ['/events?limit=1&limit=2', 'limit'],
      ['/history?metric=loss&step=1e3', 'step'],
      ['/scorecard?since=yesterday', 'since'],
    ] as const) {
      const answer = await http<ErrorBody>('GET', `${control.url}${path}`);
      assert.equal(answer.status, 400, `${path}: ${JSON.stringify(answer.body)}`);
      assert.equal(answer.body.details?.[0]?.field, field, `${path}: ${JSON.stringify(answer.body)}`);
    }
    assert.equal((await http('GET', `${control.url}/events?since=2026-01-01T00:00:00Z&limit=3`)).status, 200, 'the plain forms still work');
  });

  it('a JSON body sent as text/plain is 415, and nothing changes', async () => {
    const before = await threshold(host);
    const put = await raw(`${control.url}/threshold`, 'PUT', { 'Content-Type': 'text/plain', ...auth }, '17');
    assert.equal(put.status, 415, put.body);
    assert.equal((JSON.parse(put.body) as ErrorBody).error, 'unsupported_media_type');
    assert.equal(await thresholdAfterNextHeartbeat(host), before);
  });

  it('two Authorization headers are 400, whichever comes first', async () => {
    for (const pair of [
      ['Bearer wrong', `Bearer ${TOKEN}`],
      [`Bearer ${TOKEN}`, 'Bearer wrong'],
    ]) {
      const put = await raw(`${control.url}/threshold`, 'PUT', { 'Content-Type': 'application/json', Authorization: pair }, '17');
      assert.equal(put.status, 400, put.body);
      assert.match(put.body, /Authorization: must be sent once/);
    }
  });

  it('a trailing slash is another path: 404, saying the right one', async () => {
    const hosts = await http<ErrorBody>('GET', `${control.url}/hosts/`);
    assert.equal(hosts.status, 404);
    assert.match(hosts.body.message, /the API's paths do not end in \/: \/hosts/);
  });

  it("/ and /docs/ forbid framing and allow only control's own files; /docs/<anything> is 404", async () => {
    const root = await fetch(`${control.url}/`);
    assert.match(root.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
    const docs = await fetch(`${control.url}/docs/`);
    assert.match(docs.headers.get('content-security-policy') ?? '', /default-src 'self'.*frame-ancestors 'none'/);
    assert.equal((await http('GET', `${control.url}/docs/anything`)).status, 404);
    assert.equal((await fetch(`${control.url}/docs/swagger-ui.css`)).status, 200, 'its own files still load');
  });
});

describe('exposure (issue 26 #7)', () => {
  it("control listens on loopback by default: the machine's other addresses (a container's way in through the bridge) are refused", async () => {
    const port = new URL(control.url).port;
    const others = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a && a.family === 'IPv4' && !a.internal)
      .map((a) => a?.address ?? '');
    assert.ok(others.length > 0, 'the lab machine has a non-loopback address (its Docker bridge at least)');
    for (const address of others) {
      const outcome = await fetch(`http://${address}:${port}/health`).then(
        (r) => `answered ${r.status}`,
        (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
      );
      assert.equal(outcome, 'ECONNREFUSED', `http://${address}:${port}`);
    }
    assert.equal((await http('GET', `${control.url}/hosts`)).status, 200, 'and loopback answers');
  });
});

describe('reads behind a token (API_READ_TOKEN, issue 26 #7)', () => {
  it('with API_READ_TOKEN, every read needs either token; /health, the page and Swagger UI stay open; the read token changes nothing', async () => {
    const READ = 'read-only-token';
    const closed = await startControl({ API_TOKEN: TOKEN, API_READ_TOKEN: READ, GATHER_TIMEOUT_MS: '1500' });
    try {
      for (const path of [
        '/containers',
        '/hosts',
        '/events',
        '/scorecard',
        `/containers/${host}/${target}/policy`,
        '/metrics',
        '/history?metric=loss',
      ]) {
        const anonymous = await http<ErrorBody>('GET', `${closed.url}${path}`);
        assert.equal(anonymous.status, 401, `${path} without a token`);
        assert.equal(anonymous.headers.get('www-authenticate'), 'Bearer');
        assert.match(anonymous.body.message, /API_READ_TOKEN/);
        for (const token of [READ, TOKEN])
          assert.notEqual(
            (await http('GET', `${closed.url}${path}`, { headers: { Authorization: `Bearer ${token}` } })).status,
            401,
            `${path} with a token`,
          );
      }
      assert.equal((await http('HEAD', `${closed.url}/events/live`)).status, 401);
      assert.equal((await http('GET', `${closed.url}/health`)).status === 401, false, '/health stays open for health checkers');
      assert.equal((await fetch(`${closed.url}/docs/`)).status, 200);
      const put = await http<ErrorBody>('PUT', `${closed.url}/threshold`, { body: '33', headers: { Authorization: `Bearer ${READ}` } });
      assert.equal(put.status, 403, 'the read token does not change anything');
    } finally {
      await closed.stop();
    }
  });
});

describe('named tokens with roles (API_TOKENS_FILE, issue 29): who did what is in the audit log', () => {
  it('a read token reads and changes nothing (403); an operate token changes, and GET /events?type=command names it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tokens-'));
    const tokens = [
      { name: 'rita', role: 'read', token: `rita-${runId}-0123456789` },
      { name: 'otto', role: 'operate', token: `otto-${runId}-0123456789` },
    ];
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify(tokens), { mode: 0o600 });
    const named = await startControl({ API_TOKEN: TOKEN, API_TOKENS_FILE: join(dir, 'tokens.json'), GATHER_TIMEOUT_MS: '3000' });
    const as = (i: number) => ({ Authorization: `Bearer ${tokens[i]?.token ?? ''}` });
    try {
      await named.hostsLive([host]);
      assert.equal((await http('GET', `${named.url}/hosts`)).status, 401, 'a read token closes reads');
      assert.deepEqual((await http('GET', `${named.url}/whoami`, { headers: as(0) })).body, { name: 'rita', role: 'read' });
      assert.deepEqual((await http('GET', `${named.url}/whoami`, { headers: auth })).body, { name: 'api', role: 'admin' });
      const body = JSON.stringify({ hostname: host, dryRun: false });
      const refused = await http<ErrorBody>('PUT', `${named.url}/dry-run`, { body, headers: as(0) });
      assert.deepEqual([refused.status, refused.body.error], [403, 'forbidden']);
      assert.match(refused.body.message, /the token rita may only read/);
      const done = await http<{ confirmed: string[] }>('PUT', `${named.url}/dry-run`, { body, headers: as(1) });
      assert.deepEqual([done.status, done.body.confirmed], [200, [host]]);
      const logged = await waitFor(
        "otto's change in the audit log",
        async () =>
          (
            await http<{ events: { by?: string; host: string; detail?: string }[] }>(
              'GET',
              `${named.url}/events?type=command&host=${host}`,
              {
                headers: as(0),
              },
            )
          ).body.events.find((e) => e.by !== undefined),
        10_000,
        200,
      );
      assert.deepEqual([logged.by, logged.detail], ['otto', 'heal (dry run off)']);
      assert.equal(
        (
          await http<{ events: { by?: string }[] }>('GET', `${named.url}/events?type=command&host=${host}`, { headers: as(0) })
        ).body.events.filter((e) => e.by === 'rita').length,
        0,
        'the refused call reached no agent',
      );
    } finally {
      await named.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
