/**
 * Who may do what on the bus, against the real broker with the users the lab made from
 * `bus/identity.ts`: an agent's login cannot command any agent (the broker refuses it), a command
 * from anyone but control is dropped and logged by the agent, a forged heartbeat or event changes
 * nothing, an oversized event is refused, and a flood of garbage is a line or two in the log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import amqp from 'amqplib';
import { agentUser } from '../../bus/identity.js';
import { encode } from '../../bus/messages.js';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE, HEARTBEATS_EXCHANGE, agentQueue, toHost } from '../../bus/topology.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues, withChannel } from '../../lab/broker.js';
import { agentBrokerUrl, brokerUrl } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor, quietFor } from '../../lab/wait.js';

const host = `sec-${runId}`;
const intruder = `intruder-${runId}`;
const made = `madeup-${runId}`;
const name = uniqueName('web');
let control: ControlProcess;
let agent: AgentProcess;

const hosts = async () => (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body;
const monitored = async () =>
  (await http<{ name: string; monitored: boolean }[]>('GET', `${control.url}/containers?host=${host}`)).body.find((c) => c.name === name)
    ?.monitored;

/** Publishes one message as `url`'s user; resolves with how the broker took it: 'accepted', or the error that closed the channel. */
async function publishAs(
  url: string,
  exchange: string,
  routingKey: string,
  body: Buffer | Buffer[],
  options: amqp.Options.Publish = {},
): Promise<string> {
  const connection = await amqp.connect(url);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    const closed = new Promise<string>((resolve) => channel.on('error', (error: Error) => resolve(error.message)));
    for (const one of Array.isArray(body) ? body : [body]) channel.publish(exchange, routingKey, one, options);
    return await Promise.race([channel.waitForConfirms().then(() => 'accepted'), closed]);
  } catch (error) {
    return (error as Error).message;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

before(async () => {
  await createTarget(name);
  control = await startControl();
  agent = startAgent({ AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, MONITORED: name, CHECK_INTERVAL_MS: '1000' });
  await control.hostsLive([host]);
});

after(async () => {
  await Promise.all([agent?.stop(), control?.stop()]);
  await deleteAgentQueues([host, intruder]);
  await removeRunContainers();
});

describe('the broker refuses what a login may not do', () => {
  it("an agent's login cannot publish a command, through the commands exchange or straight into a queue", async () => {
    const unmonitor = encode({ kind: 'actives', hostname: host, name, monitored: false });
    const viaExchange = await publishAs(agentBrokerUrl(intruder), COMMANDS_EXCHANGE, toHost(host), unmonitor, {
      userId: agentUser(intruder),
    });
    assert.match(
      viaExchange,
      /ACCESS_REFUSED - access to exchange 'watchdog.commands.topic' in vhost '\/' refused for user 'agent-intruder-/,
    );
    const intoQueue = await publishAs(agentBrokerUrl(intruder), '', agentQueue(host), unmonitor, { userId: agentUser(intruder) });
    assert.match(intoQueue, /ACCESS_REFUSED - access to exchange 'amq.default' in vhost '\/' refused for user 'agent-intruder-/);
    const consume = await withChannel(async (channel) => {
      await channel.consume(agentQueue(host), () => undefined);
      return 'consumed';
    }, agentBrokerUrl(intruder)).catch((error: Error) => error.message);
    assert.match(
      consume,
      /ACCESS_REFUSED - access to queue 'watchdog.agent.sec-[0-9a-f]+.commands' in vhost '\/' refused for user 'agent-intruder-/,
      "nor read another host's commands",
    );
    const impersonate = await publishAs(
      agentBrokerUrl(intruder),
      HEARTBEATS_EXCHANGE,
      '',
      encode({ kind: 'heartbeat', hostname: host, sentAt: new Date().toISOString(), threshold: 1, monitored: 0, leaving: true }),
      { userId: agentUser(host) },
    );
    assert.match(
      impersonate,
      /PRECONDITION_FAILED - user_id property set to 'agent-sec-[0-9a-f]+' but authenticated user was 'agent-intruder-[0-9a-f]+'/,
    );
    assert.equal(await monitored(), true);
  });
});

describe("an agent's login reads only its own commands (topic permissions, issue 26 #4)", () => {
  it("binding its own queue to another host's routing key (or a wildcard) is refused; its own keys are allowed", async () => {
    const bind = async (key: string): Promise<string> => {
      const connection = await amqp.connect(agentBrokerUrl(intruder));
      connection.on('error', () => undefined);
      try {
        const channel = await connection.createChannel();
        channel.on('error', () => undefined);
        const queue = agentQueue(intruder);
        await channel.assertQueue(queue, {
          durable: true,
          arguments: { 'x-queue-type': 'quorum', 'x-expires': 7 * 24 * 3600 * 1000, 'x-max-length': 1000 },
        });
        await channel.bindQueue(queue, COMMANDS_EXCHANGE, key);
        return 'bound';
      } catch (error) {
        return (error as Error).message;
      } finally {
        await connection.close().catch(() => undefined);
      }
    };
    assert.equal(await bind(toHost(intruder)), 'bound', 'its own key');
    for (const key of [toHost(host), 'host.#', '#'])
      assert.match(
        await bind(key),
        /ACCESS_REFUSED - access to topic '.*' in exchange 'watchdog.commands.topic' in vhost '\/' refused for user 'agent-intruder-/,
        key,
      );
  });
});

describe('agents and control check who sent what the broker vouches for', () => {
  it('an agent drops and logs a command from any user but control', async () => {
    // The lab's administrator may publish anywhere: the agent still refuses its command.
    const sent = await publishAs(
      brokerUrl('lab-admin'),
      COMMANDS_EXCHANGE,
      toHost(host),
      encode({ kind: 'actives', hostname: host, name, monitored: false }),
      { userId: 'lab-admin' },
    );
    assert.equal(sent, 'accepted');
    const dropped = await agent.waitForLog('the dropped command', (e) =>
      /^dropped a command \(actives\) from broker user lab-admin: only control may command agents$/.test(e.message),
    );
    assert.equal(dropped.level, 'warn');
    assert.equal(await monitored(), true, 'still monitored');
  });

  it("control ignores a heartbeat for a host that does not come from that host's user", async () => {
    const beat = (hostname: string, extra: object) =>
      encode({ kind: 'heartbeat', hostname, sentAt: new Date().toISOString(), threshold: 1, monitored: 0, ...extra });
    // Signed by the intruder's own user (which the broker allows), speaking for other hosts.
    assert.equal(
      await publishAs(agentBrokerUrl(intruder), HEARTBEATS_EXCHANGE, '', beat(host, { leaving: true }), { userId: agentUser(intruder) }),
      'accepted',
    );
    assert.equal(
      await publishAs(agentBrokerUrl(intruder), HEARTBEATS_EXCHANGE, '', beat(made, {}), { userId: agentUser(intruder) }),
      'accepted',
    );
    await quietFor(500, 'control reads heartbeats as they come: a forged one would have changed GET /hosts within half a second');
    const seen = await hosts();
    assert.ok(
      seen.some((h) => h.hostname === host && h.live),
      'the real host is still live (its forged goodbye was ignored)',
    );
    assert.ok(!seen.some((h) => h.hostname === made), 'the made-up host is unknown');
    const list = await http<unknown[]>('GET', `${control.url}/containers`);
    assert.equal(list.status, 200);
    assert.ok(list.ms < 3000, `GET /containers does not wait for a made-up host (${Math.round(list.ms)} ms)`);
    assert.match(
      control.output(),
      new RegExp(`ignored a heartbeat for host ${host} from broker user agent-intruder-[0-9a-f]+: only agent-${host} speaks for that host`),
    );
  });
});

describe('control believes events only from the sender they name, and bounds them', () => {
  type Page = { events: { id: string; type: string; host: string; detail?: string }[]; next?: string };
  const events = async (query: string) => (await http<Page>('GET', `${control.url}/events?host=${host}&${query}`)).body;
  const event = (type: string, detail: string, extra: object = {}) =>
    encode({ kind: 'event', type, at: new Date().toISOString(), host, container: name, detail, ...extra } as never);

  it("an event for a host from another host's login, or a heal from the antagonist, is not shown; the antagonist's fault is", async () => {
    assert.equal(
      await publishAs(
        agentBrokerUrl(intruder),
        EVENTS_EXCHANGE,
        '',
        event('heal', 'forged-by-intruder', { action: 'restart', outcome: 'ok' }),
        { userId: agentUser(intruder) },
      ),
      'accepted',
    );
    assert.equal(
      await publishAs(
        brokerUrl('antagonist'),
        EVENTS_EXCHANGE,
        '',
        event('heal', 'forged-by-antagonist', { action: 'restart', outcome: 'ok' }),
        { userId: 'antagonist' },
      ),
      'accepted',
    );
    assert.equal(
      await publishAs(brokerUrl('antagonist'), EVENTS_EXCHANGE, '', event('fault', 'told-by-antagonist', { fault: 'stop' }), {
        userId: 'antagonist',
      }),
      'accepted',
    );
    await waitFor(
      "the antagonist's fault in /events",
      async () => (await events('type=fault')).events.some((e) => e.detail === 'told-by-antagonist'),
      5_000,
      100,
    );
    const shown = (await events('limit=1000')).events.map((e) => e.detail);
    assert.ok(!shown.includes('forged-by-intruder') && !shown.includes('forged-by-antagonist'), shown.join(', '));
    assert.match(
      control.output(),
      new RegExp(
        `ignored a heal event for host ${host} from broker user agent-intruder-[0-9a-f]+: only agent-${host} speaks for that host`,
      ),
    );
  });

  it("a silence recorded by an agent's login (even its own host's) holds nothing and is not listed", async () => {
    const forged = {
      id: 's-f0f0f0f0f0f0',
      containers: '*',
      until: new Date(Date.now() + 600_000).toISOString(),
      reason: 'forged by an agent login',
      heal: false,
      notify: false,
      by: 'mallory',
      createdAt: new Date().toISOString(),
    };
    const silence = encode({ kind: 'event', type: 'silence', at: new Date().toISOString(), host, to: 'created', silence: forged } as never);
    assert.equal(await publishAs(agentBrokerUrl(host), EVENTS_EXCHANGE, '', silence, { userId: agentUser(host) }), 'accepted');
    await waitFor(
      'control to say it ignored it',
      () =>
        /ignored a silence event for host \S+ from broker user agent-sec-[0-9a-f]+: only control records silences/.test(control.output()),
      5_000,
      100,
    );
    const listed = (await http<{ id: string }[]>('GET', `${control.url}/silences`)).body.map((s) => s.id);
    assert.ok(!listed.includes(forged.id), listed.join(', '));
  });

  it('an event carrying its own id keeps its stream id, and paging still works', async () => {
    const asHost = agentBrokerUrl(host);
    assert.equal(
      await publishAs(
        asHost,
        EVENTS_EXCHANGE,
        '',
        [event('command', 'own-id-1', { id: '99999999', command: 'threshold' }), event('command', 'own-id-2', { command: 'threshold' })],
        { userId: agentUser(host) },
      ),
      'accepted',
    );
    await waitFor(
      'both events in /events',
      async () => (await events('type=command')).events.filter((e) => e.detail?.startsWith('own-id-')).length === 2,
      5_000,
      100,
    );
    const [second, first] = (await events('type=command&limit=2')).events;
    assert.equal(second?.detail, 'own-id-2');
    assert.equal(first?.detail, 'own-id-1');
    assert.notEqual(first?.id, '99999999');
    assert.equal(Number(second?.id), Number(first?.id) + 1, 'ids are stream offsets, in order');
    const page = await events(`type=command&limit=1&before=${second?.id ?? ''}`);
    assert.equal(page.events[0]?.detail, 'own-id-1', 'the next page starts right after');
  });

  it('an oversized event is refused and said once; a flood of garbage heartbeats is a line or two, not one each', async () => {
    const asHost = agentBrokerUrl(host);
    const huge = event('command', 'huge', { command: 'threshold', reason: 'x'.repeat(5 * 1024 * 1024) });
    const garbage = Array.from({ length: 2000 }, (_, i) => Buffer.from(`{"kind":"heartbeat","hostname":"${host}","junk":${i}}`));
    assert.equal(
      await publishAs(asHost, EVENTS_EXCHANGE, '', [huge, event('command', 'after-huge', { command: 'threshold' })], {
        userId: agentUser(host),
      }),
      'accepted',
    );
    assert.equal(await publishAs(asHost, HEARTBEATS_EXCHANGE, '', garbage, { userId: agentUser(host) }), 'accepted');
    await waitFor(
      'the event after the huge one',
      async () => (await events('type=command')).events.some((e) => e.detail === 'after-huge'),
      5_000,
      100,
    );
    assert.ok(!(await events('type=command&limit=1000')).events.some((e) => e.detail === 'huge'));
    assert.match(
      control.output(),
      new RegExp(`dropped a malformed event from broker user agent-${host}: body: must be at most 262144 bytes`),
    );
    await quietFor(500, 'a window in which nothing more may happen: the other 1,999 are counted, not logged');
    const lines = control
      .output()
      .split('\n')
      .filter((l) => l.includes(`dropped a malformed heartbeat from broker user agent-${host}`));
    assert.equal(lines.length, 1, `2000 garbage heartbeats, logged lines: ${lines.length}`);
    assert.ok(
      (await hosts()).some((h) => h.hostname === host && h.live),
      'the host is still live',
    );
  });
});
