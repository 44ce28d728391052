/** The AMQP adapters' own logic, on a fake connection: reconnecting, validating what arrives, replying. */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { AgentBus } from '../../agent/commands/agent-bus.js';
import { CommandHandler } from '../../agent/commands/command-handler.js';
import { Watchdog } from '../../agent/watchdog.js';
import { BusConnection } from '../../bus/connection.js';
import { agentQueries, agentQueue } from '../../bus/topology.js';
import { ControlBus } from '../../control/control-bus.js';
import { HostRegistry } from '../../control/host-registry.js';
import { EventLog } from '../../control/event-log.js';
import type { BusUnavailableError } from '../../control/ports.js';
import { FakeBroker } from '../support/fake-amqp.js';
import { FakeClock, FakeProber, FakeRuntime, MemoryStore, RecordingLog, settle, settleUntil } from '../support/fakes.js';

const STREAM = { maxAge: '7D', maxAgeMs: 7 * 86_400_000 };
/** What the agent answered: replies go to the replies exchange, routed by the requester's reply queue. */
const replies = () => broker.channel?.published.filter((p) => p.exchange === 'watchdog.replies') ?? [];
const warnings = (): string[] => log.lines.filter((l) => l.level === 'warn').map((l) => l.message);

let clock: FakeClock;
let broker: FakeBroker;
let log: RecordingLog;

beforeEach(() => {
  clock = new FakeClock();
  broker = new FakeBroker();
  log = new RecordingLog();
});

describe('BusConnection', () => {
  it('declares its topology again after every reconnect, backing off while the broker is down', async () => {
    let setups = 0;
    const connection = new BusConnection('amqp://broker', 'test', async () => void (setups += 1), log, clock, broker.dial);
    connection.start();
    await settle();
    assert.equal(setups, 1);
    assert.ok(connection.channel);
    broker.refuse = new Error('ECONNREFUSED');
    broker.drop();
    assert.equal(connection.channel, null, 'no channel while disconnected');
    for (const delay of [250, 500, 1000]) {
      const before = broker.dials;
      clock.advance(delay - 1);
      await settle();
      assert.equal(broker.dials, before, `no attempt before ${delay} ms`);
      clock.advance(1);
      await settle();
      assert.equal(broker.dials, before + 1, `an attempt after ${delay} ms`);
    }
    broker.refuse = null;
    clock.advance(2000);
    await settle();
    assert.equal(setups, 2);
    assert.ok(connection.channel);
    assert.ok(log.lines.some((l) => /bus connect to amqp:\/\/broker failed: ECONNREFUSED/.test(l.message)));
    await connection.close();
    broker.drop();
    clock.advance(10_000);
    await settle();
    assert.equal(setups, 2, 'no reconnect after close');
  });

  it('given the nodes of a cluster, reconnects to the next one when the connection is lost', async () => {
    const connection = new BusConnection(
      'amqp://u:p@node1:5672, amqp://u:p@node2:5672,amqp://u:p@node3:5672',
      'test',
      async () => undefined,
      log,
      clock,
      broker.dial,
    );
    connection.start();
    await settle();
    assert.deepEqual(broker.dialed, ['amqp://u:p@node1:5672']);
    broker.drop(); // node1 is lost
    clock.advance(250);
    await settle();
    assert.deepEqual(broker.dialed.slice(1), ['amqp://u:p@node2:5672'], 'the next node, at the first retry');
    assert.ok(connection.channel);
    assert.ok(log.lines.some((l) => l.message === 'bus connected to amqp://u:***@node2:5672'));
    assert.equal(connection.user, 'u');
    await connection.close();
  });

  it('never logs the password of the URL', async () => {
    broker.refuse = new Error('ECONNREFUSED');
    const connection = new BusConnection('amqp://user:hunter2@broker', 'test', async () => undefined, log, clock, broker.dial);
    connection.start();
    await settle();
    await connection.close();
    assert.ok(log.lines.length > 0);
    assert.ok(log.lines.every((l) => !l.message.includes('hunter2')));
  });
});

describe('AgentBus', () => {
  let runtime: FakeRuntime;
  let bus: AgentBus;

  beforeEach(async () => {
    runtime = new FakeRuntime();
    runtime.add('web');
    const watchdog = new Watchdog(
      { runtime, prober: new FakeProber(), store: new MemoryStore(), clock, log },
      {
        checkIntervalMs: 1000,
        pingCount: 5,
        concurrency: 4,
        stopTimeoutSec: 2,
        restartPolicy: { maxRestarts: 3, windowMs: 60_000, baseBackoffMs: 1000, maxBackoffMs: 1000 },
      },
      { monitored: [], threshold: 60 },
    );
    bus = new AgentBus('amqp://broker', 'h1', new CommandHandler('h1', watchdog, runtime), watchdog, log, clock, broker.dial);
    bus.start();
    await settle();
  });

  it('drops a malformed command without requeueing it, and says why', async () => {
    const message = broker.channel?.deliver(agentQueue('h1'), '{"kind":"threshold","threshold":"high"}');
    await settleUntil('the command dropped', () => (broker.channel?.nacked.length ?? 0) > 0);
    assert.deepEqual(broker.channel?.nacked, [message]);
    assert.deepEqual(replies(), []);
    assert.ok(
      log.lines.some(
        (l) => l.message === 'rejected a malformed command from broker user (none): threshold: must be a number from 0 to 100',
      ),
    );
  });

  it('applies a command, replies to its sender with the correlation id, then acks it', async () => {
    const message = broker.channel?.deliver(agentQueue('h1'), '{"kind":"actives","hostname":"h1","name":"web","monitored":true}', {
      correlationId: 'c1',
      replyTo: 'reply-here',
      userId: 'control',
    });
    await settle();
    assert.deepEqual(broker.channel?.acked, [message]);
    const reply = replies()[0];
    assert.equal(reply?.routingKey, 'reply-here');
    assert.equal(reply?.options['correlationId'], 'c1');
    assert.deepEqual(JSON.parse(reply?.body ?? '{}'), {
      kind: 'ack',
      hostname: 'h1',
      command: 'actives',
      ok: true,
      container: {
        hostname: 'h1',
        name: 'web',
        status: 'running',
        monitored: true,
        policy: {
          threshold: { value: 60, source: 'host' },
          stopTimeoutSec: { value: 2, source: 'host' },
          restartLimit: { value: 3, source: 'host' },
          action: { value: 'restart', source: 'host' },
          onExhausted: { value: 'backoff', source: 'host' },
        },
      },
    });
  });

  it('answers a redelivered command (same id) again without applying it again', async () => {
    const body = '{"kind":"threshold","threshold":25}';
    const commandEvents = (): number =>
      broker.channel?.published.filter((p) => p.exchange === 'watchdog.events' && p.body.includes('"type":"command"')).length ?? 0;
    broker.channel?.deliver(agentQueue('h1'), body, { messageId: 'cmd-1', correlationId: 'c1', replyTo: 'reply-here', userId: 'control' });
    await settle();
    clock.advance(1);
    await settle();
    assert.equal(commandEvents(), 1);
    broker.channel?.deliver(agentQueue('h1'), body, { messageId: 'cmd-1', correlationId: 'c1', replyTo: 'reply-here', userId: 'control' });
    await settle();
    clock.advance(1);
    await settle();
    assert.equal(broker.channel?.acked.length, 2, 'both deliveries are acked');
    assert.equal(replies().length, 2, 'both are answered');
    assert.equal(replies()[1]?.body, replies()[0]?.body);
    assert.equal(commandEvents(), 1, 'applied once: one command event');
    assert.ok(log.lines.some((l) => l.message === 'command threshold cmd-1 was applied already: answered again, not applied again'));
    broker.channel?.deliver(agentQueue('h1'), body, { messageId: 'cmd-2', correlationId: 'c2', replyTo: 'reply-here', userId: 'control' });
    await settle();
    clock.advance(1);
    await settle();
    assert.equal(commandEvents(), 2, 'another id is another command');
  });

  it("drops and logs a command that does not come from control's broker user", async () => {
    const message = broker.channel?.deliver(agentQueue('h1'), '{"kind":"actives","hostname":"h1","name":"web","monitored":false}', {
      correlationId: 'c1',
      replyTo: 'reply-here',
      userId: 'agent-h2',
    });
    broker.channel?.deliver(agentQueue('h1'), '{"kind":"threshold","threshold":1}', { correlationId: 'c2', replyTo: 'reply-here' });
    await settle();
    assert.deepEqual(broker.channel?.nacked[0], message);
    assert.equal(broker.channel?.nacked.length, 2);
    assert.deepEqual(replies(), [], 'not answered');
    assert.deepEqual(warnings(), [
      'dropped a command (actives) from broker user agent-h2: only control may command agents',
      'dropped a command (threshold) from broker user (none): only control may command agents',
    ]);
  });

  it('answers a query while a command waits on a hung engine', async () => {
    runtime.hangInspect = true;
    broker.channel?.deliver(agentQueue('h1'), '{"kind":"actives","hostname":"h1","name":"web","monitored":false}', {
      correlationId: 'c1',
      replyTo: 'reply-here',
      userId: 'control',
    });
    broker.channel?.deliver(agentQueries('h1'), '{"kind":"list_request"}', {
      correlationId: 'q1',
      replyTo: 'reply-here',
      userId: 'control',
    });
    await settle();
    assert.deepEqual(
      replies().map((r) => r.options['correlationId']),
      ['q1'],
      'the query is answered, the command still waits',
    );
    broker.channel?.deliver(agentQueue('h1'), '{"kind":"threshold","threshold":30}', {
      correlationId: 't1',
      replyTo: 'reply-here',
      userId: 'control',
    });
    broker.channel?.deliver(agentQueue('h1'), '{"kind":"policy","hostname":"h1","name":"web","policy":{}}', {
      correlationId: 'p1',
      replyTo: 'reply-here',
      userId: 'control',
    });
    await settle();
    assert.deepEqual(
      replies().map((r) => r.options['correlationId']),
      ['q1', 't1'],
      "the threshold is not held; the same container's next command waits its turn",
    );
    runtime.hangInspect = false;
  });

  it('reads queries from its own query queue', async () => {
    broker.channel?.deliver(agentQueries('h1'), '{"kind":"list_request"}', {
      correlationId: 'q1',
      replyTo: 'reply-here',
      userId: 'control',
    });
    await settle();
    assert.equal(JSON.parse(replies()[0]?.body ?? '{}').kind, 'list_response');
  });

  it('sends a heartbeat on connect and every 2 s, and a last one with leaving when it stops', async () => {
    const beats = () =>
      broker.channel?.published
        .filter((p) => p.exchange === 'watchdog.heartbeats')
        .map((p) => JSON.parse(p.body) as { leaving?: boolean }) ?? [];
    assert.equal(beats().length, 1);
    clock.advance(2000);
    assert.equal(beats().length, 2);
    await bus.stop();
    assert.equal(beats().at(-1)?.leaving, true);
  });
});

/** A control bus connected to the fake broker, with its registry and channel. */
async function startControlBus() {
  const registry = new HostRegistry(clock, 6000, 2000);
  const bus = new ControlBus('amqp://broker', registry, log, clock, new EventLog(7 * 86_400_000, 1000), STREAM, broker.dial);
  bus.start();
  await settle();
  const channel = broker.channel;
  assert.ok(channel);
  return { registry, bus, channel };
}

describe('ControlBus', () => {
  it('reads the events stream into the log, by stream offset, on a channel of its own, and knows when it has read to the end', async () => {
    const events = new EventLog(7 * 86_400_000, 1000);
    const bus = new ControlBus('amqp://broker', new HostRegistry(clock, 6000, 2000), log, clock, events, STREAM, broker.dial);
    bus.start();
    await settle();
    const commands = broker.channel;
    const channel = broker.consumerOf('watchdog.events.stream');
    assert.ok(commands && channel);
    assert.notEqual(channel, commands, "the stream's deliveries never queue ahead of a command's confirm or a reply");
    assert.equal(channel.confirms, false);
    const caughtUp = bus.caughtUp(5000);
    const heal =
      '{"kind":"event","type":"heal","at":"2026-01-01T00:00:00.000Z","host":"h1","container":"web","action":"start","outcome":"ok","durationMs":300}';
    channel.deliver('watchdog.events.stream', heal, { userId: 'agent-h1', headers: { 'x-stream-offset': 41 } });
    // Forged: another host's agent, the antagonist speaking of a heal, nobody.
    channel.deliver('watchdog.events.stream', heal, { userId: 'agent-h2', headers: { 'x-stream-offset': 45 } });
    channel.deliver('watchdog.events.stream', heal, { userId: 'antagonist', headers: { 'x-stream-offset': 46 } });
    channel.deliver('watchdog.events.stream', heal, { headers: { 'x-stream-offset': 47 } });
    const fault = '{"kind":"event","type":"fault","at":"2026-01-01T00:00:01.000Z","host":"h1","container":"web","fault":"stop"}';
    channel.deliver('watchdog.events.stream', fault, { userId: 'antagonist', headers: { 'x-stream-offset': 48 } });
    channel.deliver('watchdog.events.stream', '{"kind":"event","type":"explosion","at":"x","host":"h1"}', {
      headers: { 'x-stream-offset': 42 },
    });
    const marker = commands.published.find((p) => p.options['type'] === 'marker');
    assert.ok(marker, 'a marker is published to find the end');
    channel.deliver('watchdog.events.stream', '{}', { type: 'marker', messageId: 'another control', headers: { 'x-stream-offset': 43 } });
    channel.deliver('watchdog.events.stream', '{}', {
      type: 'marker',
      messageId: marker.options['messageId'],
      headers: { 'x-stream-offset': 44 },
    });
    assert.equal(await caughtUp, true);
    assert.deepEqual(
      events.query({}).events.map((e) => [e.id, e.type]),
      [
        ['48', 'fault'],
        ['41', 'heal'],
      ],
      'the malformed and forged events and the markers are not kept',
    );
    assert.equal(channel.acked.length, 8, 'every stream message is acked (its credit)');
    assert.ok(
      warnings().some((w) => /dropped a malformed event from broker user \(none\): type: must be heal, backoff/.test(w)),
      warnings().join('\n'),
    );
    assert.deepEqual(
      warnings().filter((w) => w.startsWith('ignored')),
      [
        'ignored a heal event for host h1 from broker user agent-h2: only agent-h1 speaks for that host',
        'ignored a heal event for host h1 from broker user antagonist: only agent-h1 speaks for that host',
        'ignored a heal event for host h1 from broker user (none): only agent-h1 speaks for that host',
      ],
    );
    assert.equal(events.nextOffset, 49, 'a reconnect resumes after the last event kept');
    await bus.close();
  });

  it('delivers valid replies to the waiting request and drops malformed ones and heartbeats, logging why', async () => {
    const { registry, bus, channel } = await startControlBus();
    // Server-named queues: the reply queue first, then the heartbeat queue.
    const [replyQueue = '', heartbeatQueue = ''] = [...channel.consumers.keys()].filter((q) => q.startsWith('amq.gen'));
    const h1 = { userId: 'agent-h1' };
    channel.deliver(
      heartbeatQueue,
      '{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":1,"leaving":"soon"}',
      h1,
    );
    assert.deepEqual(registry.live(), [], 'a heartbeat with a wrong field is not believed');
    channel.deliver(heartbeatQueue, '{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":1}', {
      userId: 'agent-h2',
    });
    channel.deliver(heartbeatQueue, '{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":1}');
    assert.deepEqual(registry.live(), [], "a heartbeat from another host's user, or from none, is not believed");
    channel.deliver(
      heartbeatQueue,
      '{"kind":"heartbeat","hostname":"h1","sentAt":"2026-01-01T00:00:00Z","threshold":60,"monitored":1}',
      h1,
    );
    assert.deepEqual(registry.live(), ['h1']);

    const gathered = bus.toHost('h1', { kind: 'threshold', threshold: 5 }, { timeoutMs: 4000, persistent: true });
    const request = channel.published.at(-1);
    const correlationId = request?.options['correlationId'];
    assert.equal(request?.routingKey, 'host.h1');
    assert.equal(request?.options['replyTo'], replyQueue);
    assert.equal(request?.options['userId'], 'guest', "sent as the connection's user, which the broker checks");
    channel.deliver(replyQueue, '{"kind":"ack","hostname":"h1","command":"threshold","ok":true,"error":"maybe"}', { correlationId, ...h1 });
    channel.deliver(replyQueue, '{"kind":"ack","hostname":"h1","command":"threshold","ok":false,"threshold":5}', {
      correlationId,
      userId: 'agent-h2',
    });
    channel.deliver(replyQueue, '{"kind":"ack","hostname":"h1","command":"threshold","ok":true,"threshold":5}', { correlationId, ...h1 });
    const result = await gathered;
    assert.deepEqual(result.answered, ['h1']);
    assert.deepEqual(result.replies, [{ kind: 'ack', hostname: 'h1', command: 'threshold', ok: true, threshold: 5 }]);
    assert.deepEqual(
      log.lines.filter((l) => /dropped a malformed/.test(l.message)).map((l) => l.message),
      [
        'dropped a malformed heartbeat from broker user agent-h1: leaving: must be true or false',
        'dropped a malformed reply from broker user agent-h1: error: must be not_found, invalid or failed: why a command was refused (not_found: no such container on this host)',
      ],
    );
    assert.deepEqual(
      warnings().filter((w) => w.startsWith('ignored')),
      [
        'ignored a heartbeat for host h1 from broker user agent-h2: only agent-h1 speaks for that host',
        'ignored a heartbeat for host h1 from broker user (none): only agent-h1 speaks for that host',
        'ignored a reply for host h1 from broker user agent-h2: only agent-h1 speaks for that host',
      ],
    );
    await bus.close();
  });

  it("sends queries to live agents' query queues and commands to their durable queues, each with an id", async () => {
    const { bus, channel } = await startControlBus();
    void bus.toAll({ kind: 'list_request' }, [], { timeoutMs: 4000, persistent: false });
    void bus.toHost('h1', { kind: 'list_request' }, { timeoutMs: 4000, persistent: false });
    void bus.toAll({ kind: 'threshold', threshold: 5 }, [], { timeoutMs: 4000, persistent: true });
    assert.deepEqual(
      channel.published.slice(-3).map((p) => p.routingKey),
      ['query.all', 'query.host.h1', 'all'],
    );
    const ids = channel.published.slice(-3).map((p) => p.options['messageId']);
    assert.equal(new Set(ids).size, 3, 'every command has its own id');
    await bus.close();
  });

  it('answers bus_unavailable, not a wait, for a command the broker did not confirm by the deadline', async () => {
    const { bus, channel } = await startControlBus();
    channel.confirming = false;
    const sent = bus.toHost('h1', { kind: 'threshold', threshold: 5 }, { timeoutMs: 4000, persistent: true });
    const outcome = sent.then(
      () => 'gathered',
      (error: Error) => error.message,
    );
    clock.advance(4000);
    const id = String(channel.published.at(-1)?.options['messageId']);
    assert.equal(
      await outcome,
      `RabbitMQ did not confirm the threshold command within 4000 ms: it may or may not have been queued (and applied): GET /events?type=command shows a command event with commandId ${id} once an agent applied or refused it; sending it again is safe (applying it twice changes nothing)`,
    );
    await bus.close();
  });

  it('is responsive while the broker confirms a round trip to an unbound key, not while it hangs', async () => {
    const { bus, channel } = await startControlBus();
    assert.equal(await bus.responsive(1000), true);
    assert.equal(channel.published.at(-1)?.routingKey, 'control.ping');
    clock.advance(1000);
    channel.confirming = false;
    const answer = bus.responsive(1000);
    clock.advance(1000);
    assert.equal(await answer, false);
    await bus.close();
  });

  it('says "nothing was queued" only when the broker refused the command; a connection lost before the confirm may have queued it', async () => {
    const { bus, channel } = await startControlBus();
    channel.confirming = false;
    const refused = bus.toHost('h1', { kind: 'threshold', threshold: 5 }, { timeoutMs: 4000, persistent: true }).then(
      () => null,
      (error: BusUnavailableError) => error,
    );
    channel.failConfirms('message nacked');
    assert.equal((await refused)?.message, 'RabbitMQ refused the threshold command; nothing was queued');
    assert.equal((await refused)?.commandId, undefined);
    const lost = bus.toHost('h1', { kind: 'threshold', threshold: 5 }, { timeoutMs: 4000, persistent: true }).then(
      () => null,
      (error: BusUnavailableError) => error,
    );
    const id = String(channel.published.at(-1)?.options['messageId']);
    channel.failConfirms('channel closed');
    assert.match(
      (await lost)?.message ?? '',
      /^the connection to RabbitMQ closed before it confirmed the threshold command: it may or may not have been queued/,
    );
    assert.equal((await lost)?.commandId, id, 'the id a client can look for in the events');
    await bus.close();
  });
});
