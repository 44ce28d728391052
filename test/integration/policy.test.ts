/**
 * Policy per container on the lab: labels, the policy API and its precedence, observe-only, the
 * container's own stop grace, and webhooks, with a real engine, RabbitMQ, agent and control, and a
 * local HTTP receiver for the notifications.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, dropOutgoing, engine, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { waitFor, quietFor } from '../../lab/wait.js';

interface Sourced {
  value: unknown;
  source: string;
}
interface Container {
  hostname: string;
  name: string;
  status: string;
  monitored: boolean;
  policy?: Record<string, Sourced>;
  labelProblems?: string[];
}
interface PolicyView {
  monitored: boolean;
  effective: Record<string, Sourced>;
  api: Record<string, unknown>;
  labelProblems?: string[];
}
interface Event {
  type: string;
  container?: string;
  outcome?: string;
  durationMs?: number;
}
interface Received {
  at: number;
  body: { kind?: string; container?: string; text?: string };
}

const host = `p-${runId}`;
const docker = engine();
const stateDir = mkdtempSync(join(tmpdir(), 'policy-agent-'));
const received: Received[] = [];
const servers: Server[] = [];
let control: ControlProcess;
let agent: AgentProcess;

async function listen(
  handler: (req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string) => void,
): Promise<string> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handler(req, res, body));
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

const runAgent = (): AgentProcess =>
  startAgent(
    {
      AMQP_URL: agentBrokerUrl(host),
      AGENT_HOSTNAME: host,
      CHECK_INTERVAL_MS: '500',
      STOP_TIMEOUT_S: '10',
      STATE_FILE: join(stateDir, 'state.json'),
      LOG_FILE: join(stateDir, 'agent.log'),
    },
    stateDir,
  );
const containers = async (): Promise<Container[]> => (await http<Container[]>('GET', `${control.url}/containers?host=${host}`)).body;
const container = async (name: string): Promise<Container | undefined> => (await containers()).find((c) => c.name === name);
const events = async (name: string, type: string): Promise<Event[]> =>
  (await http<{ events: Event[] }>('GET', `${control.url}/events?host=${host}&container=${name}&type=${type}`)).body.events;
/** Kills the container and waits until the agent has it running again, a new instance; returns how long that took. */
async function killAndWaitForHeal(name: string): Promise<number> {
  const before = await state(name);
  const killedAt = Date.now();
  await docker.getContainer(name).kill();
  await waitFor(
    `${name} healed`,
    async () => {
      const now = await state(name);
      return now.running && now.startedAt !== before.startedAt;
    },
    10_000,
    20,
  );
  return Date.now() - killedAt;
}

before(async () => {
  const receiver = await listen((_req, res, body) => {
    received.push({ at: Date.now(), body: JSON.parse(body) as Received['body'] });
    res.writeHead(204).end();
  });
  const hanging = await listen(() => undefined); // never answers
  const webhooks = [
    { url: receiver, format: 'json', on: ['heal', 'notify', 'heal-failed', 'backoff', 'label'], hosts: [host] },
    { url: hanging, format: 'slack', on: ['heal'], hosts: [host] },
    // Its own rate limit: a heal told to the first target does not hold back a notify here.
    { url: `${receiver}?notify`, format: 'json', on: ['notify'], hosts: [host] },
  ];
  control = await startControl({ WEBHOOKS: JSON.stringify(webhooks), WEBHOOK_RATE_LIMIT_MS: '60000', WEBHOOK_TIMEOUT_MS: '30000' });
  agent = runAgent();
  await control.hostsLive([host]);
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  servers.forEach((s) => s.close());
  await deleteAgentQueues([host]);
  await removeRunContainers(docker);
});

describe('policy per container (real engine, broker, agent, control)', () => {
  it('monitors a container labelled after the agent started, and heals it', async () => {
    const name = uniqueName('labelled');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.threshold': '20' } });
    const seen = await waitFor(
      'control to list it as monitored',
      async () => ((await container(name))?.monitored ? container(name) : null),
      10_000,
      100,
    );
    assert.deepEqual(seen.policy?.['threshold'], { value: 20, source: 'label' });
    await killAndWaitForHeal(name);
  });

  it('reports labels with wrong values once and falls back to the host default', async () => {
    const name = uniqueName('badlabel');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.threshold': 'high', 'watchdog.restart-limit': '2' } });
    const seen = await waitFor(
      'control to list it with its problems',
      async () => ((await container(name))?.labelProblems ? container(name) : null),
      10_000,
      100,
    );
    assert.deepEqual(seen.labelProblems, ['watchdog.threshold: must be a number from 0 to 100 (got "high")']);
    assert.deepEqual(seen.policy?.['threshold'], { value: 60, source: 'host' });
    assert.deepEqual(seen.policy?.['restartLimit'], { value: 2, source: 'label' }, 'the good label still applies');
    await quietFor(1500, 'several check cycles: a label problem said again would show in the log and the events');
    assert.equal(agent.log().filter((e) => e.kind === 'label' && e.container === name).length, 1, 'reported once');
    assert.equal((await events(name, 'label')).length, 1);
  });

  it('an API policy overrides the label and survives an agent restart', async () => {
    const name = uniqueName('db');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.threshold': '20' } });
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    const put = await http<PolicyView>('PUT', `${control.url}/containers/${host}/${name}/policy`, {
      body: JSON.stringify({ threshold: 50, stopTimeoutSec: 3 }),
    });
    assert.equal(put.status, 200);
    assert.deepEqual(put.body.effective['threshold'], { value: 50, source: 'api' });
    assert.deepEqual(put.body.api, { threshold: 50, stopTimeoutSec: 3 });
    await agent.stop();
    agent = runAgent();
    await control.hostsLive([host]);
    const got = await waitFor(
      'the policy',
      async () => {
        const r = await http<PolicyView>('GET', `${control.url}/containers/${host}/${name}/policy`);
        return r.status === 200 ? r.body : null;
      },
      10_000,
      200,
    );
    assert.deepEqual(got.effective['threshold'], { value: 50, source: 'api' });
    assert.deepEqual(got.effective['stopTimeoutSec'], { value: 3, source: 'api' });
    assert.equal(got.monitored, true);
  });

  it('a service probe set through the API (no probe label) restarts the container when it fails; a wrong probe is refused and changes nothing', async () => {
    const name = uniqueName('probed');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true' } });
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    const url = `${control.url}/containers/${host}/${name}/policy`;
    // Refused by the contract (control, nothing sent), and by the agent for what the contract cannot say (a port past 65535).
    const put = (probe: object) => http<{ error: string; message: string }>('PUT', url, { body: JSON.stringify({ probe }) });
    const spec = await put({ probe: 'ftp://:21' });
    assert.equal(spec.status, 400, JSON.stringify(spec.body));
    assert.match(spec.body.message, /probe/);
    const wrong = await put({ probe: 'tcp://:99999' });
    assert.equal(wrong.status, 400, JSON.stringify(wrong.body));
    assert.match(wrong.body.message, /^probe\.probe: must be icmp, http:\/\/:<port>\/<path>, tcp:\/\/:<port> or exec:<command>/);
    const notHttp = await put({ probe: 'tcp://:5432', expectStatus: 200 });
    assert.equal(notHttp.status, 400);
    assert.match(notHttp.body.message, /only for an http probe/);
    assert.deepEqual((await http<PolicyView>('GET', url)).body.api, {}, 'nothing changed');
    // Healthy while /dev/shm/bad is absent: the new instance of a restart has a fresh /dev/shm.
    const probe = { probe: 'exec:test ! -e /dev/shm/bad', periodSec: 1, failures: 2 };
    const set = await http<PolicyView>('PUT', url, { body: JSON.stringify({ probe }) });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body.effective['probe'], { value: probe, source: 'api' });
    const before = await state(name);
    // The docker CLI, not dockerode's exec (that one left a connection open that kept a test's process alive).
    execFileSync('docker', ['exec', name, 'touch', '/dev/shm/bad']);
    await waitFor('its restart by the probe', async () => (await state(name)).startedAt !== before.startedAt, 20_000, 200);
    const heal = await agent.waitForLog(
      'the heal',
      (e) => e['kind'] === 'action' && e['container'] === name && e['outcome'] === 'ok',
      10_000,
    );
    assert.equal(heal['trigger'], 'probe');
    assert.match(String(heal['reason']), /^exec probe exec "test ! -e \/dev\/shm\/bad" failed 2 times in a row/);
  });

  it('restarts a container within its own --stop-timeout, not the host default (10 s)', async () => {
    const name = uniqueName('grace');
    await createTarget(name, { cmd: ['sleep', 'infinity'], stopTimeout: 1, labels: { 'watchdog.monitor': 'true' } }); // PID 1 ignores SIGTERM: a stop takes the whole grace
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    assert.deepEqual((await container(name))?.policy?.['stopTimeoutSec'], { value: 1, source: 'container' });
    await dropOutgoing(name, ['-p', 'icmp']);
    const heal = await waitFor('a restart', async () => (await events(name, 'heal')).find((e) => e.outcome === 'ok'), 20_000, 200);
    assert.ok(
      (heal.durationMs ?? 0) >= 900 && (heal.durationMs ?? 0) < 5000,
      `restart took ${heal.durationMs} ms: its own grace (1 s), not 10 s`,
    );
  });

  it('notify decides and tells (event and webhook) but touches nothing', async () => {
    const name = uniqueName('notify');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.action': 'notify' } });
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    const before = await state(name);
    await dropOutgoing(name, ['-p', 'icmp']);
    await waitFor('a notified heal event', async () => (await events(name, 'heal')).find((e) => e.outcome === 'notified'), 20_000, 200);
    await waitFor('the webhook', () => received.find((r) => r.body.container === name && r.body.kind === 'notify'), 10_000, 100);
    assert.equal((await state(name)).startedAt, before.startedAt, 'not restarted');
  });

  it('observe-only (PUT /dry-run) starts nothing and says what it would do; switched off, it heals', async () => {
    const name = uniqueName('dry');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true' } });
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    const on = await http<{ confirmed: string[] }>('PUT', `${control.url}/dry-run`, {
      body: JSON.stringify({ dryRun: true, hostname: host }),
    });
    assert.equal(on.status, 200);
    assert.deepEqual(on.body.confirmed, [host]);
    try {
      await docker.getContainer(name).kill();
      await waitFor('a dry-run heal event', async () => (await events(name, 'heal')).find((e) => e.outcome === 'dry-run'), 10_000, 100);
      await quietFor(1500, 'observe-only leaves it down: a start would come within one check cycle');
      assert.equal((await state(name)).running, false, 'left down');
      await waitFor('the webhook', () => received.find((r) => r.body.container === name && r.body.kind === 'notify'), 10_000, 100).catch(
        () =>
          assert.fail(
            `the webhook was not told; it got: ${JSON.stringify(received.filter((r) => r.body.container === name).map((r) => r.body))}`,
          ),
      );
    } finally {
      const off = await http('PUT', `${control.url}/dry-run`, { body: JSON.stringify({ dryRun: false, hostname: host }) });
      assert.equal(off.status, 200);
    }
    await waitFor('the next cycle to start it', async () => (await state(name)).running, 10_000, 100);
  });

  it('one notification per rate-limit window for a container in a restart storm; a hanging receiver changes no heal', async () => {
    const name = uniqueName('storm');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.restart-limit': '100' } });
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    const heals: number[] = [];
    for (let i = 0; i < 4; i++) heals.push(await killAndWaitForHeal(name));
    await waitFor('four heal events', async () => (await events(name, 'heal')).length >= 4, 10_000, 100);
    await quietFor(1000, 'a second notification would come within a second of the fourth heal event');
    const told = received.filter((r) => r.body.container === name);
    assert.equal(told.length, 1, `one notification in the window, got ${told.length}: ${told.map((t) => t.body.text).join(' | ')}`);
    // The slack target never answers (30 s timeout): heals are the agents' work and never wait for it.
    assert.ok(Math.max(...heals) < 5000, `every heal within 5 s of the kill (took ${heals.join(', ')} ms)`);
  });

  it('an agent killed (SIGKILL) during a restart storm keeps counting it when it starts again', async () => {
    const name = uniqueName('budget');
    await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.restart-limit': '2' } });
    await waitFor('it to be monitored', async () => (await container(name))?.monitored, 10_000, 100);
    await killAndWaitForHeal(name);
    await killAndWaitForHeal(name);
    const exited = new Promise((resolve) => agent.child.once('exit', resolve));
    agent.child.kill('SIGKILL');
    await exited;
    agent = runAgent();
    await control.hostsLive([host]);
    await agent.waitForLog('its first cycle', (e) => e.kind === 'cycle', 10_000);
    const killedAt = Date.now();
    await docker.getContainer(name).kill();
    const held = await agent.waitForLog(
      'the third start held back',
      (e) => e.kind === 'action' && e.container === name && Date.parse(String(e['time'])) >= killedAt,
      10_000,
    );
    assert.equal(held['outcome'], 'backoff', `the limit of 2 per window held across the restart: ${held.message}`);
    assert.equal((await state(name)).running, false);
  });

  it('refuses bad policy bodies and unknown containers, naming what is wrong, and changes nothing', async () => {
    const url = `${control.url}/containers/${host}/nope-${runId}/policy`;
    const bad = async (body: string) => http<{ error: string; message: string }>('PUT', url, { body });
    for (const [body, field] of [
      ['{"threshold":101}', 'threshold'],
      ['{"grace":1}', 'grace'],
      ['{"action":"reboot"}', 'action'],
      ['{"stopTimeoutSec":1.5}', 'stopTimeoutSec'],
      ['"abc"', 'body'],
    ] as const) {
      const r = await bad(body);
      assert.equal(r.status, 400, body);
      assert.match(r.body.message, new RegExp(field), body);
    }
    const missing = await bad('{"threshold":10}');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.error, 'unknown_container');
    assert.equal((await http('GET', url)).status, 404);
    assert.equal((await http('GET', `${control.url}/containers/no-such-host/x/policy`)).status, 404);
    assert.equal((await http('PUT', `${control.url}/dry-run`, { body: '{}' })).status, 400);
    assert.equal((await http('PUT', `${control.url}/dry-run`, { body: '{"dryRun":"yes"}' })).status, 400);
  });
});
