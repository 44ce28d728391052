/**
 * Dependencies on the lab (issue 28): a container sharing a healed container's network namespace
 * (`--network container:X`) is restarted after it and is in its new namespace; `watchdog.depends-on`
 * restarts dependants after their dependency, in order; a cycle is a label problem and restarts
 * nothing. Real engine, RabbitMQ, agent and control.
 */
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, engine, removeRunContainers, runId, RUN_LABEL, state, uniqueName } from '../../lab/docker.js';
import { quietFor, waitFor } from '../../lab/wait.js';

const host = `dep-${runId}`;
const docker = engine();
let control: ControlProcess;
let agent: AgentProcess;

const netns = async (name: string): Promise<string> => readlinkSync(`/proc/${(await state(name)).pid}/ns/net`);
const startedAt = async (name: string): Promise<number> => Date.parse((await state(name)).startedAt);

/** Kills it and waits until the agent has started it again; returns when it was started. */
async function killAndWaitForStart(name: string): Promise<number> {
  const before = await state(name);
  await docker.getContainer(name).kill();
  await waitFor(
    `${name} started again`,
    async () => {
      const now = await state(name);
      return now.running && now.startedAt !== before.startedAt;
    },
    15_000,
    50,
  );
  return startedAt(name);
}

before(async () => {
  control = await startControl();
  agent = startAgent({ AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, CHECK_INTERVAL_MS: '500' });
  await control.hostsLive([host]);
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  await deleteAgentQueues([host]);
  await removeRunContainers(docker);
});

it("a container in a healed container's network namespace is restarted after it, into its new namespace", async () => {
  const base = uniqueName('netns-owner');
  const side = uniqueName('netns-sharer');
  await createTarget(base, { labels: { 'watchdog.monitor': 'true' } });
  // The sharer serves on 8081 in the owner's namespace: reachable at the owner's address.
  const sharer = await docker.createContainer({
    name: side,
    Image: 'container-watchdog/dummy:latest',
    Cmd: [
      'node',
      '-e',
      "require('http').createServer((q, r) => r.end('sharer')).listen(8081); process.on('SIGTERM', () => process.exit(0));",
    ],
    Labels: { [RUN_LABEL]: runId },
    HostConfig: { NetworkMode: `container:${base}` },
  });
  await sharer.start();
  await waitFor('the agent to monitor the owner', () => agent.log().some((e) => e['container'] === base), 20_000, 100);
  assert.equal(await netns(side), await netns(base), 'they share one namespace');
  const reachable = async (): Promise<boolean> => {
    const ip = (await docker.getContainer(base).inspect()).NetworkSettings.Networks['bridge']?.IPAddress;
    return ip ? (await fetch(`http://${ip}:8081/`).catch(() => null))?.status === 200 : false;
  };
  await waitFor("the sharer serving at the owner's address", reachable, 15_000, 100);
  const sideBefore = await startedAt(side);
  const baseStarted = await killAndWaitForStart(base);
  await waitFor('the sharer restarted', async () => (await startedAt(side)) > sideBefore, 15_000, 50);
  assert.ok((await startedAt(side)) >= baseStarted, 'after its owner');
  assert.equal(await netns(side), await netns(base), "the sharer is in the owner's new namespace again");
  await waitFor("the sharer reachable again at the owner's (new) address", reachable, 15_000, 100);
  // The state changes as the engine restarts it; the heal's log line is written once the restart call returns.
  const heal = await waitFor("the sharer's heal in the log", () =>
    agent.log().find((e) => e['container'] === side && e['outcome'] === 'ok'),
  );
  assert.equal(heal?.['trigger'], `dependency: ${base}`);
  assert.match(String(heal?.['reason']), /shares .* network namespace/);
});

it('watchdog.depends-on: dependants restarted after their dependency, in order; a cycle is reported and restarts nothing', async () => {
  const a = uniqueName('dep-a');
  const b = uniqueName('dep-b');
  const c = uniqueName('dep-c');
  const d = uniqueName('dep-d');
  const e = uniqueName('dep-e');
  await createTarget(a, { labels: { 'watchdog.monitor': 'true' } });
  await createTarget(c, { labels: { 'watchdog.depends-on': b } });
  await createTarget(b, { labels: { 'watchdog.depends-on': a } });
  await createTarget(d, { labels: { 'watchdog.depends-on': `${a},${e}` } });
  await createTarget(e, { labels: { 'watchdog.depends-on': d } });
  await waitFor('the agent to monitor a', () => agent.log().some((l) => l['container'] === a), 20_000, 100);
  const before = Object.fromEntries(await Promise.all([b, c, d, e].map(async (n) => [n, await startedAt(n)] as const)));
  const aStarted = await killAndWaitForStart(a);
  await waitFor('c restarted', async () => (await startedAt(c)) > (before[c] ?? 0), 20_000, 50);
  const [bAt, cAt] = [await startedAt(b), await startedAt(c)];
  assert.ok(aStarted <= bAt && bAt <= cAt, `in order: a ${aStarted} <= b ${bAt} <= c ${cAt}`);
  const labelEvents = await waitFor(
    'the cycle reported as a label problem',
    async () => {
      const events = (
        await http<{ events: { container?: string; problems?: string[] }[] }>('GET', `${control.url}/events?host=${host}&type=label`)
      ).body.events;
      const named = events.filter((ev) => (ev.container === d || ev.container === e) && ev.problems?.some((p) => /a cycle/.test(p)));
      return named.length === 2 ? named : null;
    },
    10_000,
    200,
  );
  assert.match(labelEvents[0]?.problems?.[0] ?? '', new RegExp(`watchdog.depends-on: a cycle \\(.*${d}.*${e}.*\\)`));
  await quietFor(2000, 'anything more the agent would do');
  assert.equal(await startedAt(d), before[d], 'd (in a cycle) not restarted');
  assert.equal(await startedAt(e), before[e], 'e (in a cycle) not restarted');
});
