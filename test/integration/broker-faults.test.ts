/**
 * What the API promises while the broker fails, and what the broker keeps for hosts that are gone,
 * with a real agent, RabbitMQ and control. Control reaches the broker through a TCP proxy that can
 * hang (a broker that stopped answering) and cut (a broker killed).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { COMMANDS_EXCHANGE, REPLIES_EXCHANGE, agentQueries, agentQueue, toHost } from '../../bus/topology.js';
import { agentBrokerUrl, brokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues, withChannel } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { startTcpProxy, type TcpProxy } from '../../lab/tcp-proxy.js';
import { waitFor, quietFor } from '../../lab/wait.js';

const host = `faults-${runId}`;
const gone = [1, 2, 3].map((n) => `gone${n}-${runId}`);
const name = uniqueName('web');
const GATHER_TIMEOUT_MS = 1500;

let proxy: TcpProxy;
let control: ControlProcess;
let agent: AgentProcess;

interface ErrorBody {
  error: string;
  message: string;
}

/** The thresholds the agent applied, in order, from its log file. */
const appliedThresholds = () =>
  agent
    .log()
    .filter((e) => e.kind === 'command' && e.command === 'threshold' && e.outcome === 'done')
    .map((e) => e['threshold']);

before(async () => {
  await createTarget(name);
  proxy = await startTcpProxy(5672);
  control = await startControl({ AMQP_URL: brokerUrl('control', proxy.port), GATHER_TIMEOUT_MS: String(GATHER_TIMEOUT_MS) });
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(host),
    AGENT_HOSTNAME: host,
    MONITORED: name,
    CHECK_INTERVAL_MS: '1000',
    LOSS_THRESHOLD: '60',
  });
  await control.hostsLive([host]);
});

after(async () => {
  await Promise.all([agent?.stop(), control?.stop()]);
  await proxy?.close();
  await deleteAgentQueues([host, ...gone]);
  await removeRunContainers();
});

describe('a broker that hangs, then dies', () => {
  it('answers 503 for every command the broker did not confirm, and none of them is applied', async () => {
    const before = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '40' });
    assert.equal(before.status, 200);
    assert.ok(before.body.confirmed.includes(host));

    const healthy = await http<{ status: string; bus: string }>('GET', `${control.url}/health`);
    assert.deepEqual([healthy.status, healthy.body.bus], [200, 'connected']);
    proxy.hang();
    await quietFor(1100, "past the health answer's one-second reuse");
    const health = await http<{ status: string; bus: string }>('GET', `${control.url}/health`);
    assert.deepEqual(
      [health.status, health.body.status, health.body.bus],
      [503, 'degraded', 'unresponsive'],
      '/health on a frozen broker (issue 26)',
    );
    assert.ok(health.ms < 2000, `answered within its 1 s probe (${Math.round(health.ms)} ms)`);
    const put = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '41' });
    assert.equal(put.status, 503, `PUT while the broker hangs: ${JSON.stringify(put.body)}`);
    assert.equal(put.body.error, 'bus_unavailable');
    assert.match(put.body.message, /RabbitMQ did not confirm the threshold command within 1500 ms: it may or may not have been queued/);
    const post = await http<ErrorBody>('DELETE', `${control.url}/containers/${host}/${name}`);
    assert.equal(post.status, 503, `DELETE while the broker hangs: ${JSON.stringify(post.body)}`);
    assert.match(post.body.message, /did not confirm the actives command/);

    proxy.cut();
    const dead = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '42' });
    assert.equal(dead.status, 503, `PUT once the broker is gone: ${JSON.stringify(dead.body)}`);

    proxy.resume();
    await waitFor(
      'control to reconnect',
      async () => (await http<{ bus: string }>('GET', `${control.url}/health`)).body.bus === 'connected',
      20_000,
      100,
    );
    const back = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '43' });
    assert.equal(back.status, 200);
    assert.ok(back.body.confirmed.includes(host));
    // Nothing that was answered 503 turns up later.
    await quietFor(
      1500,
      'a command answered 503 was never queued: had it been, its agent would have applied it within this second and a half',
    );
    assert.deepEqual(appliedThresholds(), [40, 43]);
    const monitored = (await http<{ name: string; monitored: boolean }[]>('GET', `${control.url}/containers?host=${host}`)).body.find(
      (c) => c.name === name,
    );
    assert.equal(monitored?.monitored, true, 'the DELETE answered 503 was not applied');
  });
});

describe('a short reconnect (issue 26 #7)', () => {
  it('calls go on as soon as control is connected again: the live hosts are still known', async () => {
    await control.hostsLive([host]);
    const cutAt = Date.now();
    proxy.cut();
    proxy.resume();
    await waitFor(
      'control to reconnect',
      async () => (await http<{ bus: string }>('GET', `${control.url}/health`)).body.bus === 'connected',
      20_000,
      50,
    );
    const reconnectedMs = Date.now() - cutAt;
    const put = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '45' });
    console.log(`short reconnect: connected again after ${reconnectedMs} ms; the next PUT /threshold answered in ${Math.round(put.ms)} ms`);
    assert.equal(put.status, 200);
    assert.ok(put.body.confirmed.includes(host));
    // Before, every reconnect made calls wait a heartbeat period and more (2.25 s) for a fresh picture.
    assert.ok(put.ms < 1500, `answered in ${Math.round(put.ms)} ms, not after a wait for heartbeats`);
  });
});

describe('a command delivered twice', () => {
  it('is applied once and answered both times', async () => {
    const command = Buffer.from('{"kind":"threshold","threshold":44}');
    const replies = await withChannel(async (channel) => {
      const { queue } = await channel.assertQueue('', { exclusive: true });
      await channel.bindQueue(queue, REPLIES_EXCHANGE, queue);
      const got: string[] = [];
      await channel.consume(queue, (m) => m && got.push(m.content.toString()), { noAck: true });
      // The same message id twice, as the broker redelivers a command whose ack was lost with a connection.
      for (const correlationId of ['first', 'again']) {
        channel.publish(COMMANDS_EXCHANGE, toHost(host), command, {
          messageId: `redelivered-${runId}`,
          correlationId,
          replyTo: queue,
          persistent: true,
          userId: 'control',
        });
      }
      await waitFor('both answers', () => got.length === 2, 10_000);
      return got;
    }, brokerUrl('control')); // this test plays control
    assert.deepEqual(
      replies.map((r) => JSON.parse(r) as { ok: boolean; threshold: number }).map((r) => [r.ok, r.threshold]),
      [
        [true, 44],
        [true, 44],
      ],
    );
    const entries = agent.log().filter((e) => e['commandId'] === `redelivered-${runId}`);
    assert.deepEqual(
      entries.map((e) => e.outcome),
      ['done', 'duplicate'],
      'applied once, then answered again',
    );
  });
});

describe('queries for hosts that are gone', () => {
  it('leave nothing in the broker: 10,000 GET /containers put no message in the queues of three gone hosts', async () => {
    const ghosts = gone.map((hostname) =>
      startAgent({ AMQP_URL: agentBrokerUrl(hostname), AGENT_HOSTNAME: hostname, CHECK_INTERVAL_MS: '1000' }),
    );
    await control.hostsLive(gone);
    for (const ghost of ghosts) ghost.child.kill('SIGKILL'); // gone without a goodbye
    for (const hostname of gone) await control.hostNotLive(hostname);

    let next = 0;
    let failures = 0;
    const started = performance.now();
    const caller = async (): Promise<void> => {
      while (next < 10_000) {
        // A different name each time, so no call shares another's gather (single flight) and each is a list_request.
        const response = await http('GET', `${control.url}/containers?name=none-${next++}`);
        if (response.status !== 200) failures += 1;
      }
    };
    await Promise.all(Array.from({ length: 16 }, caller));
    const seconds = (performance.now() - started) / 1000;
    assert.equal(failures, 0);

    // Every queue of this run's hosts, as the broker counts them.
    const depths = new Map(
      execFileSync('rabbitmqctl', ['-q', 'list_queues', 'name', 'messages'], { encoding: 'utf8' })
        .split('\n')
        .map((line) => line.split('\t'))
        .filter(([queue]) => queue?.includes(runId))
        .map(([queue, messages]) => [queue, Number(messages)]),
    );
    console.log(`10,000 GET /containers in ${seconds.toFixed(1)} s; queue depths: ${JSON.stringify(Object.fromEntries(depths))}`);
    for (const hostname of gone) {
      assert.equal(depths.get(agentQueue(hostname)), 0, `no query waits in ${hostname}'s durable command queue`);
      assert.equal(depths.has(agentQueries(hostname)), false, `${hostname}'s query queue went with its connection`);
    }
    assert.ok((depths.get(agentQueries(host)) ?? Infinity) < 100, "the live host's query queue is bounded and drained");
  });
});

describe('stopping while the broker hangs', () => {
  it('control and an agent exit on SIGTERM, dropping a connection the broker no longer answers', async () => {
    const hung = await startTcpProxy(5672);
    const stopping = `stopping-${runId}`;
    const second = await startControl({ AMQP_URL: brokerUrl('control', hung.port) });
    const other = startAgent({ AMQP_URL: agentBrokerUrl(stopping, hung.port), AGENT_HOSTNAME: stopping, CHECK_INTERVAL_MS: '1000' });
    try {
      await waitFor('both to connect', () => /bus connected/.test(second.output()) && /bus connected/.test(other.output()), 20_000, 100);
      hung.hang();
      // A generous bound that catches a hang (before the fix both waited forever for the broker's close-ok).
      const started = performance.now();
      const took: number[] = [];
      const exits = await Promise.all(
        [second.stop(), other.stop()].map((stop, i) =>
          Promise.race([
            stop.then((code) => ((took[i] = performance.now() - started), code)),
            new Promise((resolve) => setTimeout(() => resolve('still running after 20 s'), 20_000)),
          ]),
        ),
      );
      console.log(
        `stopping while the broker hangs: control exited after ${Math.round(took[0] ?? NaN)} ms, the agent after ${Math.round(took[1] ?? NaN)} ms`,
      );
      assert.deepEqual(exits, [0, 0]);
      assert.match(second.output(), /the broker did not answer the close within 2000 ms: dropped the connection/);
    } finally {
      second.child.kill('SIGKILL');
      other.child.kill('SIGKILL');
      await hung.close();
      await deleteAgentQueues([stopping]);
    }
  });
});
