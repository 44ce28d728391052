/**
 * A Docker engine that hangs (its dockerd stopped with SIGSTOP; the lab's second engine, h2): the
 * agent keeps answering what does not need the engine, and a command that does is refused within
 * seconds, saying the engine did not answer, instead of holding every later command for Docker's 60 s.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, hostSocket, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor, quietFor } from '../../lab/wait.js';

const socket = hostSocket(2);
const docker = engine(socket);
const host = `hang-${runId}`;
const watched = uniqueName('watched');
const other = uniqueName('other');
const dockerd = (): number => Number(readFileSync('/run/watchdog-lab/h2/docker.pid', 'utf8'));
let control: ControlProcess;
let agent: AgentProcess;

before(async () => {
  await createTarget(watched, { docker });
  await createTarget(other, { docker });
  control = await startControl({ GATHER_TIMEOUT_MS: '8000' });
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(host),
    AGENT_HOSTNAME: host,
    DOCKER_HOST: `unix://${socket}`,
    MONITORED: watched,
    CHECK_INTERVAL_MS: '1000',
  });
  await waitFor(
    'the agent to be live',
    async () =>
      (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
    20_000,
    100,
  );
  await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle');
});

after(async () => {
  process.kill(dockerd(), 'SIGCONT');
  await Promise.all([agent?.stop(), control?.stop()]);
  await deleteAgentQueues([host]);
  await removeRunContainers(docker);
});

it('while the engine hangs, queries and the threshold are answered at once and a command that needs the engine is refused in 5 s', async () => {
  process.kill(dockerd(), 'SIGSTOP');
  try {
    // Asked together: the monitor command waits on the engine; the others must not wait behind it.
    const monitor = http<{ error: string; message: string }>('POST', `${control.url}/containers/${host}/${other}`);
    await quietFor(200, 'the monitor command reaches the agent first, where it waits on the frozen engine');
    const threshold = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '65' });
    const list = await http<{ name: string }[]>('GET', `${control.url}/containers?host=${host}`);
    const refused = await monitor;
    console.log(
      `engine hung: PUT /threshold ${Math.round(threshold.ms)} ms (status ${threshold.status}), GET /containers ${Math.round(list.ms)} ms, POST (needs the engine) ${Math.round(refused.ms)} ms -> ${refused.status}`,
    );
    assert.equal(list.status, 200);
    assert.ok(
      list.body.some((c) => c.name === watched),
      'listed from what the agent holds',
    );
    assert.ok(list.ms < 2000, `GET /containers did not wait for the engine (${Math.round(list.ms)} ms)`);
    assert.equal(refused.status, 502);
    assert.match(
      refused.body.message,
      new RegExp(`the Docker engine did not answer about ${other} within 5 s \\(hung\\?\\); nothing changed`),
    );
    assert.ok(refused.ms < 7000, "refused within seconds, not after Docker's 60 s");
    assert.equal(threshold.status, 200, 'the threshold is answered: it needs no engine');
    assert.ok(
      threshold.ms < 2000,
      `PUT /threshold did not wait behind the command that waits for the engine (${Math.round(threshold.ms)} ms)`,
    );
    assert.ok(threshold.body.confirmed.includes(host));
    const logged = agent
      .log()
      .find((e) => e.kind === 'command' && e.command === 'actives' && /did not answer .* \(hung\?\)/.test(e.message));
    assert.ok(logged, 'the agent logs the refusal, naming the hung engine');
  } finally {
    process.kill(dockerd(), 'SIGCONT');
  }
  const again = await http<{ monitored: boolean }>('POST', `${control.url}/containers/${host}/${other}`);
  assert.equal(again.status, 200, 'with the engine back, the same command is applied');
});

it("with control's default 4 s deadline, the 504 names the command, and the agent's later refusal is an event with that id (issue 26)", async () => {
  const quick = await startControl();
  await waitFor(
    'the second control to see the agent',
    async () =>
      (await http<{ hostname: string; live: boolean }[]>('GET', `${quick.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
    20_000,
    100,
  );
  process.kill(dockerd(), 'SIGSTOP');
  try {
    const post = await http<{ error: string; message: string; commandId?: string }>('POST', `${quick.url}/containers/${host}/${other}`);
    assert.equal(post.status, 504, JSON.stringify(post.body));
    assert.equal(post.body.error, 'not_confirmed');
    const id = post.body.commandId ?? '';
    assert.match(id, /^[0-9a-f-]{36}$/);
    assert.match(post.body.message, new RegExp(`GET /events\\?type=command&host=${host} as the command event with commandId ${id}`));
    type Page = { events: { commandId?: string; outcome?: string; reason?: string; container?: string }[] };
    const told = await waitFor(
      'the refusal as a command event',
      async () => (await http<Page>('GET', `${quick.url}/events?type=command&host=${host}`)).body.events.find((e) => e.commandId === id),
      10_000,
      200,
    );
    assert.equal(told.outcome, 'failed');
    assert.equal(told.container, other);
    assert.match(told.reason ?? '', /did not answer .* \(hung\?\)/);
  } finally {
    process.kill(dockerd(), 'SIGCONT');
    await quick.stop();
  }
});
