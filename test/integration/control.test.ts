/**
 * The control plane with a real RabbitMQ and two real Docker hosts (two engines, each with its own
 * bridge and agent), driven through the REST API as an operator would.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { COMMANDS_EXCHANGE, agentQueue, toHost } from '../../bus/topology.js';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues, withChannel } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, dropOutgoing, engine, hostSocket, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { waitFor, quietFor } from '../../lab/wait.js';

interface Container {
  hostname: string;
  name: string;
  status: string;
  monitored: boolean;
}

const hostA = `a-${runId}`;
const hostB = `b-${runId}`;
const dockerA = engine(hostSocket(1));
const dockerB = engine(hostSocket(2));
const shared = uniqueName('shared'); // the same name on both hosts
const onlyA = uniqueName('only-a');
const onlyB = uniqueName('only-b');

let control: ControlProcess;
const agents = new Map<string, AgentProcess>();

function runAgent(hostname: string, socket: string, dir?: string): AgentProcess {
  // The classic verdict: these tests are about control's commands reaching the agents, and need its exact loss figures.
  const agent = startAgent(
    {
      AMQP_URL: agentBrokerUrl(hostname),
      AGENT_HOSTNAME: hostname,
      DOCKER_HOST: `unix://${socket}`,
      CHECK_INTERVAL_MS: '500',
      VERDICT: 'classic',
    },
    dir,
  );
  agents.set(hostname, agent);
  return agent;
}

const containers = async () => http<Container[]>('GET', `${control.url}/containers`);
const find = (list: Container[], hostname: string, name: string) => list.find((c) => c.hostname === hostname && c.name === name);

before(async () => {
  await Promise.all([
    createTarget(shared, { docker: dockerA }),
    createTarget(shared, { docker: dockerB }),
    createTarget(onlyA, { docker: dockerA }),
    createTarget(onlyB, { docker: dockerB }),
  ]);
  control = await startControl();
  runAgent(hostA, hostSocket(1));
  runAgent(hostB, hostSocket(2));
  await control.hostsLive([hostA, hostB]);
});

after(async () => {
  await Promise.all([...agents.values()].map((a) => a.stop()));
  await control?.stop();
  await deleteAgentQueues([hostA, hostB]);
  await Promise.all([removeRunContainers(dockerA), removeRunContainers(dockerB)]);
});

describe('control plane over RabbitMQ, two Docker hosts', () => {
  it('GET /containers lists the containers of both hosts, well before the deadline', async () => {
    const result = await containers();
    assert.equal(result.status, 200);
    assert.deepEqual(find(result.body, hostA, onlyA), { hostname: hostA, name: onlyA, status: 'running', monitored: false });
    assert.deepEqual(find(result.body, hostB, onlyB), { hostname: hostB, name: onlyB, status: 'running', monitored: false });
    assert.ok(find(result.body, hostA, shared) && find(result.body, hostB, shared));
    assert.equal(find(result.body, hostA, onlyB), undefined, 'each container under its own host');
    assert.match(result.headers.get('x-answered-hosts') ?? '', new RegExp(`${hostA}.*${hostB}`));
    assert.ok(result.ms < 2000, `answered in ${result.ms.toFixed(0)} ms; the deadline is 4000 ms`);
  });

  it('a control service started while agents run lists every host from its first answer', async () => {
    const second = await startControl();
    try {
      await waitFor('the bus connection', () => /bus connected/.test(second.output()), 10_000, 20);
      const first = await http<Container[]>('GET', `${second.url}/containers`);
      assert.equal(first.status, 200);
      assert.ok(find(first.body, hostA, onlyA) && find(first.body, hostB, onlyB), 'both hosts, without waiting for a second try');
    } finally {
      await second.stop();
    }
  });

  it('monitor acts only on the named host, and that agent then heals the container', async () => {
    const added = await http<Container>('POST', `${control.url}/containers/${hostB}/${shared}`);
    assert.equal(added.status, 200);
    const { policy, ...rest } = added.body as Container & { policy?: Record<string, { source: string }> };
    assert.deepEqual(rest, { hostname: hostB, name: shared, status: 'running', monitored: true });
    assert.deepEqual(
      Object.values(policy ?? {}).map((v) => v.source),
      ['host', 'host', 'host', 'host', 'host'],
      'the host defaults apply to it',
    );
    const list = (await containers()).body;
    assert.equal(find(list, hostB, shared)?.monitored, true);
    assert.equal(find(list, hostA, shared)?.monitored, false, 'the same name on the other host is untouched');

    await dockerB.getContainer(shared).stop({ t: 0 });
    await dockerA.getContainer(shared).stop({ t: 0 });
    await waitFor('host B to heal its container', async () => (await state(shared, dockerB)).running, 5_000);
    await agents
      .get(hostA)
      ?.waitForLog('a cycle after the stop', (e) => e.kind === 'cycle' && Date.parse(e.time) > Date.now() - 200, 5_000);
    assert.equal((await state(shared, dockerA)).running, false, 'host A does not monitor it');
    await dockerA.getContainer(shared).start();
  });

  it('unmonitor stops the healing on that host only', async () => {
    await http('POST', `${control.url}/containers/${hostA}/${onlyA}`);
    const removed = await http<Container>('DELETE', `${control.url}/containers/${hostB}/${shared}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.monitored, false);
    await dockerB.getContainer(shared).stop({ t: 0 });
    await agents
      .get(hostB)
      ?.waitForLog('a cycle after the stop', (e) => e.kind === 'cycle' && Date.parse(e.time) > Date.now() - 200, 5_000);
    assert.equal((await state(shared, dockerB)).running, false);
    assert.equal(find((await containers()).body, hostA, onlyA)?.monitored, true, 'host A keeps its own list');
    await dockerB.getContainer(shared).start();
  });

  it('unknown hosts and containers get a clear 404 and change nothing', async () => {
    // What a refused call could have changed: which containers are monitored.
    const monitoring = async () =>
      (await containers()).body
        .filter((c) => c.hostname === hostA || c.hostname === hostB)
        .map((c) => `${c.hostname}/${c.name}:${c.monitored}`);
    const before = await monitoring();
    const noHost = await http<{ error: string; message: string }>('POST', `${control.url}/containers/nowhere-${runId}/${onlyA}`);
    assert.equal(noHost.status, 404);
    assert.equal(noHost.body.error, 'unknown_host');
    assert.match(noHost.body.message, new RegExp(hostA));
    const noContainer = await http<{ error: string; message: string }>('POST', `${control.url}/containers/${hostA}/${onlyB}`);
    assert.equal(noContainer.status, 404);
    assert.equal(noContainer.body.error, 'unknown_container');
    assert.match(noContainer.body.message, new RegExp(`no container named ${onlyB} on host ${hostA}`));
    assert.deepEqual(await monitoring(), before);
  });

  it('PUT /threshold reaches every agent and changes what they restart', async () => {
    // Both hosts monitor a container losing exactly 20 % of its replies: under 60 % it is left alone.
    await http('POST', `${control.url}/containers/${hostB}/${onlyB}`);
    for (const [name, docker] of [
      [onlyA, dockerA],
      [onlyB, dockerB],
    ] as const) {
      await dropOutgoing(name, ['-p', 'icmp', '-m', 'statistic', '--mode', 'nth', '--every', '5', '--packet', '0'], docker);
    }
    const startedA = (await state(onlyA, dockerA)).startedAt;
    const startedB = (await state(onlyB, dockerB)).startedAt;
    const set60 = await http<{ threshold: number; confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '60' });
    assert.equal(set60.status, 200);
    assert.deepEqual(
      set60.body.confirmed.filter((h) => h === hostA || h === hostB),
      [hostA, hostB],
    );
    await agents
      .get(hostB)
      ?.waitForLog('a lossy check left alone', (e) => e.container === onlyB && e.lossPercent === 20 && e.verdict === 'ok', 10_000);

    const set10 = await http<{ threshold: number; confirmed: string[]; unconfirmed: string[] }>('PUT', `${control.url}/threshold`, {
      body: '10',
    });
    assert.equal(set10.status, 200);
    assert.equal(set10.body.threshold, 10);
    await waitFor(
      'both hosts to restart their lossy container',
      async () => (await state(onlyA, dockerA)).startedAt !== startedA && (await state(onlyB, dockerB)).startedAt !== startedB,
      10_000,
      100,
    );
    await waitFor(
      'GET /hosts to show the new threshold on both hosts',
      async () =>
        (await http<{ hostname: string; threshold: number }[]>('GET', `${control.url}/hosts`)).body.filter(
          (h) => (h.hostname === hostA || h.hostname === hostB) && h.threshold === 10,
        ).length === 2,
      5_000,
      100,
    );
    await http('PUT', `${control.url}/threshold`, { body: '60' });
  });

  it('malformed bus messages are rejected and logged (the first at once, the rest counted); the agent keeps running and does not loop on them', async () => {
    const bad = [
      'not json',
      '[1,2]',
      '{"kind":"reboot"}',
      '{"kind":"threshold","threshold":"high"}',
      '{"kind":"actives","hostname":"x","name":"/etc","monitored":1}',
    ];
    await withChannel(async (channel) => {
      for (const body of bad) channel.publish(COMMANDS_EXCHANGE, toHost(hostA), Buffer.from(body));
    });
    const agent = agents.get(hostA);
    await waitFor(
      'the first bad message to be rejected',
      () => (agent?.log().filter((e) => /rejected a malformed command/.test(e.message)).length ?? 0) >= 1,
      5_000,
    );
    await quietFor(500, 'a window in which nothing more may happen: the other four are counted, not logged, and not redelivered');
    const list = await containers();
    assert.equal(list.status, 200);
    assert.ok(find(list.body, hostA, onlyA), 'the agent still answers');
    await withChannel(async (channel) =>
      assert.equal((await channel.checkQueue(agentQueue(hostA))).messageCount, 0, 'none requeued: no redelivery loop'),
    );
    const rejected = agent?.log().filter((e) => /rejected a malformed command/.test(e.message)) ?? [];
    assert.equal(rejected.length, 1, "one line for the sender's first; the rest are counted and told once a minute");
    assert.match(String(rejected[0]?.['message']), /^rejected a malformed command from broker user \S+: body is not JSON/);
    assert.equal(agent?.child.exitCode, null);
  });

  it('GET /containers follows containers created, stopped and removed after the agent started', async () => {
    const late = uniqueName('late');
    const listed = async (): Promise<unknown> => find((await containers()).body, hostB, late) ?? 'not listed';
    await createTarget(late, { docker: dockerB });
    await waitFor('the new container in the list', async () => (await listed()) !== 'not listed', 3_000, 50);
    assert.deepEqual(
      await waitFor('it to be running', async () => ((await listed()) as { status?: string }).status === 'running' && listed(), 3_000, 50),
      { hostname: hostB, name: late, status: 'running', monitored: false },
    );
    await dockerB.getContainer(late).stop({ t: 0 });
    await waitFor('its new status', async () => ((await listed()) as { status?: string }).status === 'exited', 3_000, 50);
    assert.deepEqual(await listed(), { hostname: hostB, name: late, status: 'exited', monitored: false });
    await dockerB.getContainer(late).remove();
    await waitFor('it to leave the list', async () => (await listed()) === 'not listed', 3_000, 50);
    assert.equal(await listed(), 'not listed');
  });

  it('GET /containers filters: one host, states, monitored, a name pattern; the agents filter, the unfiltered call is unchanged', async () => {
    const stopped = uniqueName('stopped');
    await createTarget(stopped, { docker: dockerA });
    await dockerA.getContainer(stopped).stop({ t: 0 });
    const query = async (q: string) => {
      const result = await http<Container[]>('GET', `${control.url}/containers?${q}`);
      assert.equal(result.status, 200, q);
      return result;
    };
    const onA = await query(`host=${hostA}`);
    assert.ok(onA.body.length > 0 && onA.body.every((c) => c.hostname === hostA));
    assert.equal(onA.headers.get('x-answered-hosts'), hostA, 'only that host was asked');
    const exited = (await query('status=exited,dead')).body;
    assert.deepEqual(
      exited.filter((c) => c.name === stopped),
      [{ hostname: hostA, name: stopped, status: 'exited', monitored: false }],
    );
    assert.ok(exited.every((c) => c.status === 'exited' || c.status === 'dead'));
    const named = (await query(`name=only-?-${runId}-*`)).body;
    assert.deepEqual(
      named.map((c) => `${c.hostname}/${c.name}`),
      [`${hostA}/${onlyA}`, `${hostB}/${onlyB}`],
    );
    assert.ok((await query('monitored=false')).body.every((c) => !c.monitored));
    const all = (await containers()).body;
    assert.ok(find(all, hostA, stopped) && find(all, hostB, onlyB) && find(all, hostA, onlyA));
  });

  it('concurrent REST calls never mix their replies', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => containers()));
    for (const result of results) {
      assert.equal(result.status, 200);
      assert.ok(find(result.body, hostA, onlyA) && find(result.body, hostB, onlyB));
      assert.equal(result.body.filter((c) => c.hostname === hostA && c.name === onlyA).length, 1, JSON.stringify(result.body));
    }
  });

  it('during a broker outage the agents keep healing, and the API works again afterwards without restarting anything', async () => {
    execFileSync('rabbitmqctl', ['-q', 'stop_app']);
    try {
      await waitFor('control to notice', async () => (await http('GET', `${control.url}/health`)).status === 503, 10_000, 100);
      const during = await http<{ error: string }>('GET', `${control.url}/containers`);
      assert.equal(during.status, 503);
      assert.equal(during.body.error, 'bus_unavailable');
      await dockerA.getContainer(onlyA).stop({ t: 0 });
      await waitFor('host A to heal during the outage', async () => (await state(onlyA, dockerA)).running, 5_000);
    } finally {
      execFileSync('rabbitmqctl', ['-q', 'start_app']);
    }
    await waitFor(
      'the API to list both hosts again',
      async () => {
        const result = await containers();
        return result.status === 200 && find(result.body, hostA, onlyA) && find(result.body, hostB, onlyB);
      },
      30_000,
      250,
    );
  });

  it('a command sent while an agent is away waits in its queue and is applied when it comes back', async () => {
    const away = agents.get(hostB);
    assert.equal(await away?.stop(), 0);
    await control.hostNotLive(hostB, 5_000);
    const put = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '33' });
    assert.equal(put.status, 200);
    assert.ok(!put.body.confirmed.includes(hostB), 'host B was not live, so not waited for');
    const back = runAgent(hostB, hostSocket(2), away?.dir);
    await back.waitForLog('the queued threshold', (e) => e.kind === 'command' && e['threshold'] === 33, 10_000);
    await waitFor(
      'host B to report 33',
      async () =>
        (await http<{ hostname: string; threshold: number }[]>('GET', `${control.url}/hosts`)).body.some(
          (h) => h.hostname === hostB && h.threshold === 33,
        ),
      10_000,
      100,
    );
    await http('PUT', `${control.url}/threshold`, { body: '60' });
  });

  it('with one agent killed, GET /containers answers at the deadline with the other host and names the silent one', async () => {
    agents.get(hostB)?.child.kill('SIGKILL');
    const result = await containers();
    assert.equal(result.status, 200);
    assert.ok(find(result.body, hostA, onlyA));
    assert.equal(find(result.body, hostB, onlyB), undefined);
    assert.match(result.headers.get('x-silent-hosts') ?? '', new RegExp(hostB));
    assert.ok(result.ms >= 3900 && result.ms < 6000, `answered after ${result.ms.toFixed(0)} ms; the deadline is 4000 ms`);
  });
});
