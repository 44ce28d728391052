/**
 * Which network is probed (issue 28: "say which network when there are several"): a container on
 * two networks whose echo replies from its first address are dropped is judged lossy, and restarted, only
 * when the address probed is on the first; `watchdog.network` names the second and it is left
 * alone. Real engine, fping, agent.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { createTarget, dropOutgoing, engine, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { quietFor, waitFor } from '../../lab/wait.js';

const docker = engine();
const nets = [`wd-front-${runId}`, `wd-back-${runId}`];
let agent: AgentProcess;

before(async () => {
  for (const name of nets) await docker.createNetwork({ Name: name, Driver: 'bridge' });
});

after(async () => {
  await agent?.stop();
  await removeRunContainers(docker);
  for (const name of nets)
    await docker
      .getNetwork(name)
      .remove()
      .catch(() => undefined);
});

/** On both networks, its echo replies from its front address dropped (by address: the engine, not the order of connecting, decides which interface is eth0). */
async function onBoth(name: string, network: string): Promise<void> {
  const container = await createTarget(name, { start: false, labels: { 'watchdog.network': network } });
  await docker.getNetwork('bridge').disconnect({ Container: name });
  for (const net of nets) await docker.getNetwork(net).connect({ Container: name });
  await container.start();
  const front = (await container.inspect()).NetworkSettings.Networks[nets[0]!]?.IPAddress;
  assert.ok(front, 'an address on the front network');
  await dropOutgoing(name, ['-s', front, '-p', 'icmp', '--icmp-type', 'echo-reply']);
}

it('watchdog.network names the network probed: replies lost on the other one restart nothing; probed there, they do', async () => {
  const probedBack = uniqueName('net-back');
  const probedFront = uniqueName('net-front');
  await onBoth(probedBack, nets[1]!);
  await onBoth(probedFront, nets[0]!);
  const before = { back: (await state(probedBack)).startedAt, front: (await state(probedFront)).startedAt };
  agent = startAgent({ MONITORED: `${probedBack},${probedFront}`, CHECK_INTERVAL_MS: '500' });
  await waitFor(
    'the front-probed one restarted (its replies are lost)',
    async () => (await state(probedFront)).startedAt !== before.front,
    30_000,
    200,
  );
  await quietFor(5000, 'ten cycles: a probe of the front address would have restarted it by now, as it did the other');
  assert.equal((await state(probedBack)).startedAt, before.back, 'the back-probed one was never restarted');
  assert.ok(!agent.log().some((e) => e['container'] === probedBack && e['kind'] === 'action'), 'no heal of it at all');
});
