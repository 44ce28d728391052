/**
 * What the watchdog measures, as an operator reads it from GET /containers: the loss and
 * round-trip time of the last probe, CPU, memory and network from the engine's host, and its own
 * heals (restarts in 24 h, the last one with its reason). Real engine, broker, agent and control.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { AMQP_URL, startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, dropOutgoing, engine, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor } from '../../lab/wait.js';
import type { Container } from '../../control/api.generated.js';

const hostname = `measure-${runId}`;
const name = uniqueName('measured');
const docker = engine();
let control: ControlProcess;
let agent: AgentProcess;

const listed = async (): Promise<Container | undefined> =>
  (await http<Container[]>('GET', `${control.url}/containers`)).body.find((c) => c.hostname === hostname && c.name === name);

before(async () => {
  // A container busy on the CPU, so its CPU share is clearly above zero.
  await createTarget(name, { cmd: ['sh', '-c', 'trap "exit 0" TERM; while :; do :; done'] });
  control = await startControl();
  agent = startAgent({ AMQP_URL, AGENT_HOSTNAME: hostname, MONITORED: name, CHECK_INTERVAL_MS: '1000', LOSS_THRESHOLD: '60' });
  await waitFor('the agent to be live', async () => (await listed()) !== undefined, 20_000, 100);
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  await deleteAgentQueues([hostname]);
  await removeRunContainers(docker);
});

it('GET /containers shows loss, round-trip time, CPU, memory and network of a monitored container', async () => {
  const measured = await waitFor('two samples of it', async () => {
    const c = await listed();
    return c?.cpuPercent !== undefined && c.lossPercent !== undefined ? c : undefined;
  }, 10_000, 200);
  assert.equal(measured.lossPercent, 0);
  assert.ok((measured.rttMs ?? 0) > 0 && (measured.rttMinMs ?? 0) <= (measured.rttMs ?? 0) && (measured.rttMs ?? 0) <= (measured.rttMaxMs ?? 0), JSON.stringify(measured));
  assert.ok((measured.cpuPercent ?? 0) > 30, `a busy loop uses most of a core: ${measured.cpuPercent}`);
  assert.ok((measured.memoryBytes ?? 0) > 0);
  assert.ok((measured.networkRxBytes ?? 0) > 0, 'the probes arrived');
  assert.ok(Date.parse(measured.checkedAt ?? '') > Date.now() - 10_000);
  assert.equal(measured.restarts, 0);
});

it('injected loss shows in GET /containers within one cycle', async () => {
  // Exactly every fifth reply dropped: 20 % loss, under the threshold, so nothing restarts it.
  await dropOutgoing(name, ['-p', 'icmp', '-m', 'statistic', '--mode', 'nth', '--every', '5', '--packet', '0']);
  const injectedAt = Date.now();
  const lossy = await waitFor('20 % loss to be listed', async () => {
    const c = await listed();
    return c?.lossPercent === 20 ? c : undefined;
  }, 5_000, 100);
  assert.ok(Date.parse(lossy.checkedAt ?? '') >= injectedAt - 1000);
  assert.ok(Date.now() - injectedAt < 1000 + 2500, 'within one cycle (1 s) plus a probe');
});

it('a heal shows as a restart in 24 h and as the last heal, with its reason', async () => {
  await docker.getContainer(name).kill();
  const healed = await waitFor('the heal to be listed', async () => {
    const c = await listed();
    return c?.lastHeal !== undefined ? c : undefined;
  }, 10_000, 100);
  assert.equal(healed.restarts, 1);
  assert.equal(healed.lastHeal?.action, 'start');
  assert.equal(healed.lastHeal?.outcome, 'ok');
  assert.match(healed.lastHeal?.reason ?? '', /container is exited/);
});
