/**
 * The last resort on the lab (issue 28): a container whose restart budget is spent under
 * `watchdog.on-exhausted=stop` is stopped and left stopped, said once (a gave-up event and a
 * critical webhook); started again by a person, it is fine for 3 checks and a `recovered` event
 * and webhook say so, once. Real engine, RabbitMQ, agent and control; a local HTTP receiver.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, engine, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { quietFor, waitFor } from '../../lab/wait.js';

interface Event {
  type: string;
  to?: string;
  from?: string;
  reason?: string;
  outcome?: string;
}
interface Hook {
  kind?: string;
  severity?: string;
  container?: string;
  text?: string;
}

const host = `lr-${runId}`;
const docker = engine();
const hooks: Hook[] = [];
let server: Server;
let control: ControlProcess;
let agent: AgentProcess;

const events = async (name: string): Promise<Event[]> =>
  (await http<{ events: Event[] }>('GET', `${control.url}/events?host=${host}&container=${name}`)).body.events;

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as Hook);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  control = await startControl({
    WEBHOOKS: JSON.stringify([{ url, format: 'json', on: ['gave-up', 'recovered'], hosts: [host] }]),
    WEBHOOK_RATE_LIMIT_MS: '60000',
  });
  agent = startAgent({ AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, CHECK_INTERVAL_MS: '500', RESTART_WINDOW_MS: '120000' });
  await control.hostsLive([host]);
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  server?.close();
  await deleteAgentQueues([host]);
  await removeRunContainers(docker);
});

it('on-exhausted=stop: past its budget it is stopped and left stopped, said once; started by a person it recovers, said once', async () => {
  const name = uniqueName('exhausted');
  await createTarget(name, { labels: { 'watchdog.monitor': 'true', 'watchdog.restart-limit': '2', 'watchdog.on-exhausted': 'stop' } });
  await waitFor('the agent to monitor it', async () => (await agent.log()).some((e) => e['container'] === name), 20_000, 100);
  // Two deaths are healed (the budget: 2 in the window); the third spends it.
  for (let death = 1; death <= 2; death++) {
    const before = await state(name);
    await docker.getContainer(name).kill();
    await waitFor(
      `heal ${death}`,
      async () => {
        const now = await state(name);
        return now.running && now.startedAt !== before.startedAt;
      },
      15_000,
      50,
    );
  }
  await docker.getContainer(name).kill();
  const gaveUp = await waitFor('a gave-up event', async () => (await events(name)).find((e) => e.type === 'gave-up'), 15_000, 200);
  assert.equal(gaveUp.to, 'stopped');
  assert.match(gaveUp.reason ?? '', /restart budget spent \(2 in 120000 ms.*gave up: stopped it, and leaves it stopped/);
  await quietFor(4000, 'the watchdog leaving it stopped');
  assert.equal((await state(name)).running, false, 'left stopped: the watchdog did not start it again');
  const hook = await waitFor('the gave-up webhook', () => hooks.find((h) => h.kind === 'gave-up' && h.container === name), 10_000, 100);
  assert.equal(hook.severity, 'critical');

  await docker.getContainer(name).start(); // a person starts it
  const recovered = await waitFor('a recovered event', async () => (await events(name)).find((e) => e.type === 'recovered'), 20_000, 200);
  assert.equal(recovered.from, 'down');
  await waitFor('the recovered webhook', () => hooks.some((h) => h.kind === 'recovered' && h.container === name), 10_000, 100);
  await quietFor(3000, 'more checks, all fine');
  const told = (await events(name)).filter((e) => e.type === 'gave-up' || e.type === 'recovered').map((e) => e.type);
  assert.deepEqual(told.sort(), ['gave-up', 'recovered'], 'each said once');
  assert.deepEqual(
    hooks
      .filter((h) => h.container === name)
      .map((h) => h.kind)
      .sort(),
    ['gave-up', 'recovered'],
  );

  assert.equal((await state(name)).running, true, 'the watchdog left running what the person started');
});
