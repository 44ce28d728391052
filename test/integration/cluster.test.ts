/**
 * A broker that can lose a node: on the lab's 3-node RabbitMQ cluster, the node an agent is
 * connected to is killed (SIGKILL) while control sends a command every 100 ms. Every command
 * answered 200 is applied exactly once (and none twice), the agent fails over to another node, and
 * healing never stops: a container killed right after the node is healed.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import {
  CLUSTER_PORTS,
  clusterAgentUrl,
  clusterUrl,
  connectedPort,
  ensureCluster,
  forgetClusterHost,
  killNode,
} from '../../lab/cluster.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor, quietFor } from '../../lab/wait.js';

const host = `ha-${runId}`;
const name = uniqueName('web');
const docker = engine();
let control: ControlProcess;
let agent: AgentProcess;

before(async () => {
  await ensureCluster();
  await createTarget(name);
  // Control lists the nodes from the first, the agent from the second: they sit on different nodes.
  control = await startControl({ AMQP_URL: clusterUrl('control'), GATHER_TIMEOUT_MS: '2000' });
  const [first, second, third] = CLUSTER_PORTS;
  agent = startAgent({
    AMQP_URL: clusterAgentUrl(host, [second, third, first]),
    AGENT_HOSTNAME: host,
    MONITORED: name,
    CHECK_INTERVAL_MS: '1000',
  });
  await waitFor(
    'the agent to be live',
    async () =>
      (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
    30_000,
    100,
  );
});

after(async () => {
  await Promise.all([agent?.stop(), control?.stop()]);
  await removeRunContainers();
  await ensureCluster(); // the killed node comes back and rejoins
  forgetClusterHost(host);
});

it('kill the node an agent is on while commands flow: each 200 applied exactly once, healing goes on', async () => {
  const port = connectedPort(agent.log());
  assert.ok(
    port !== null &&
      port !==
        connectedPort([
          {
            message:
              control
                .output()
                .split('\n')
                .find((l) => l.includes('bus connected to')) ?? '',
          },
        ]),
    'agent and control on different nodes',
  );
  const answers = new Map<number, number>(); // threshold sent -> status
  let sending = true;
  const sender = (async () => {
    for (let i = 0; sending; i++) {
      const threshold = 10 + i / 100; // a value of its own per command, to find it in the agent's log
      const started = Date.now();
      answers.set(threshold, (await http('PUT', `${control.url}/threshold`, { body: String(threshold) })).status);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 100 - (Date.now() - started))));
    }
  })();
  await waitFor('commands confirmed before the failover', () => [...answers.values()].filter((s) => s === 200).length >= 5, 10_000, 50);

  const before = await state(name, docker);
  const killedAt = Date.now();
  await killNode(port);
  await docker.getContainer(name).kill(); // healing must not wait for the bus
  await waitFor(
    'the container to run again',
    async () => {
      const now = await state(name, docker);
      return now.running && now.startedAt !== before.startedAt;
    },
    10_000,
    100,
  );
  const healedMs = Date.now() - killedAt;
  const reconnect = await agent.waitForLog(
    'the agent on another node',
    (e) => e.message.startsWith('bus connected to') && Date.parse(e.time) > killedAt,
    30_000,
  );
  const failoverMs = Date.parse(reconnect.time) - killedAt;
  // Commands go on for a while on the new node, then the rest are counted.
  await waitFor('a command confirmed after the failover', () => [...answers.values()].slice(-3).every((s) => s === 200), 30_000, 100);
  sending = false;
  await sender;
  await quietFor(3000, 'anything still queued is applied by now');

  const applied = new Map<number, number>();
  for (const e of agent.log()) {
    if (e.kind === 'command' && e.command === 'threshold' && e.outcome === 'done')
      applied.set(Number(e['threshold']), (applied.get(Number(e['threshold'])) ?? 0) + 1);
  }
  const ok = [...answers].filter(([, status]) => status === 200).map(([t]) => t);
  const statuses = [...answers.values()].reduce<Record<number, number>>((count, s) => ({ ...count, [s]: (count[s] ?? 0) + 1 }), {});
  console.log(
    `node on ${port} killed: agent reconnected to ${reconnect.message.slice(-5)} after ${failoverMs} ms; container healed after ${healedMs} ms; ${answers.size} commands, answers ${JSON.stringify(statuses)}`,
  );
  assert.ok(ok.length > 10, 'commands were answered 200 before and after');
  for (const threshold of ok) assert.equal(applied.get(threshold), 1, `threshold ${threshold} (answered 200) applied exactly once`);
  for (const [threshold, times] of applied) assert.equal(times, 1, `threshold ${threshold} applied ${times} times`);
  assert.ok(connectedPort(agent.log()) !== port, 'the agent is on another node');
});
