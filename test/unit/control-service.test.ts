import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { Command, Reply } from '../../bus/messages.js';
import type { Container } from '../../api/contract.generated.js';
import { ApiError, ControlService, type ContainerList } from '../../control/control-service.js';
import { HostRegistry } from '../../control/host-registry.js';
import { BusUnavailableError, type CommandBus, type Gathered, type SendOptions } from '../../control/ports.js';
import { FakeClock } from '../support/fakes.js';

/** A bus whose agents answer with whatever the test scripted; hosts without a script stay silent. */
class FakeBus implements CommandBus {
  connected = true;
  /** Whether the broker answers a round trip (false: frozen). */
  answers = true;
  readonly sent: { to: string; command: Command; options: Pick<SendOptions, 'timeoutMs' | 'persistent'> }[] = [];
  answer: (hostname: string, command: Command) => Reply | null = () => null;
  /** While set, gathers wait for it (replies still in flight). */
  held: Promise<void> | null = null;

  responsive(): Promise<boolean> {
    return Promise.resolve(this.connected && this.answers);
  }

  async toAll<T = Reply>(command: Command, expected: readonly string[], options: SendOptions<T>): Promise<Gathered<T>> {
    this.sent.push({ to: 'all', command, options: { timeoutMs: options.timeoutMs, persistent: options.persistent } });
    if (this.held) await this.held;
    return this.gather(command, expected, options);
  }

  async toHost<T = Reply>(hostname: string, command: Command, options: SendOptions<T>): Promise<Gathered<T>> {
    this.sent.push({ to: hostname, command, options: { timeoutMs: options.timeoutMs, persistent: options.persistent } });
    return this.gather(command, [hostname], options);
  }

  private gather<T>(command: Command, expected: readonly string[], options: SendOptions<T>): Gathered<T> {
    if (!this.connected) throw new BusUnavailableError();
    const replies = expected
      .map((h) => this.answer(h, command))
      .filter((r): r is Reply => r !== null)
      .sort((a, b) => (a.hostname < b.hostname ? -1 : 1));
    const digest = options.digest ?? ((reply: Reply) => reply as T);
    return {
      replies: replies.map(digest),
      answered: replies.map((r) => r.hostname),
      silent: expected.filter((h) => !replies.some((r) => r.hostname === h)),
      commandId: `cmd-${this.sent.length}`,
    };
  }
}

const heartbeat = (hostname: string) => ({
  kind: 'heartbeat' as const,
  hostname,
  sentAt: new Date(0).toISOString(),
  threshold: 60,
  monitored: 1,
});

let clock: FakeClock;
let bus: FakeBus;
let registry: HostRegistry;
let service: ControlService;

beforeEach(() => {
  clock = new FakeClock();
  bus = new FakeBus();
  registry = new HostRegistry(clock, 6000, 2000);
  registry.record(heartbeat('h1'));
  registry.record(heartbeat('h2'));
  service = new ControlService(bus, registry, 4000);
});

/** The containers GET /containers would answer with. */
const containersOf = (list: ContainerList): Container[] => JSON.parse(`[${list.parts.join(',')}]`) as Container[];

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  assert.ok(error instanceof ApiError, `expected an ApiError, got ${String(error)}`);
  return error;
}

describe('ControlService', () => {
  it('lists the containers of every live host, sorted, and names the silent ones', async () => {
    bus.answer = (hostname) =>
      hostname === 'h2'
        ? {
            kind: 'list_response',
            hostname,
            containers: [
              { hostname, name: 'b', status: 'running', monitored: false },
              { hostname, name: 'a', status: 'exited', monitored: true },
            ],
          }
        : null;
    const list = await service.listContainers();
    assert.deepEqual(
      containersOf(list).map((c) => c.name),
      ['a', 'b'],
    );
    assert.deepEqual(list.silent, ['h1']);
    assert.deepEqual(bus.sent[0]?.options, { timeoutMs: 4000, persistent: false }, 'a list request expires at the deadline');
  });

  it('names the hosts that fell silent (frozen agents) too: an empty list is never "no containers" when nobody answered (issue 26)', async () => {
    bus.answer = () => null;
    clock.advance(6001);
    registry.record(heartbeat('h3'));
    bus.answer = (hostname) => ({ kind: 'list_response', hostname, containers: [] });
    const list = await service.listContainers();
    assert.deepEqual([list.answered, list.silent], [['h3'], ['h1', 'h2']]);
  });

  it('monitors a container through its host only, persistently, and returns what the agent confirmed', async () => {
    bus.answer = (hostname, command) =>
      command.kind === 'actives'
        ? {
            kind: 'ack',
            hostname,
            command: 'actives',
            ok: true,
            container: { hostname, name: command.name, status: 'running', monitored: command.monitored },
          }
        : null;
    assert.deepEqual(await service.setMonitored('h2', 'web', true), { hostname: 'h2', name: 'web', status: 'running', monitored: true });
    assert.equal(bus.sent[0]?.to, 'h2');
    assert.equal(bus.sent[0]?.options.persistent, true);
  });

  it('refuses an unknown or silent host without sending anything', async () => {
    const error = await refusal(service.setMonitored('h9', 'web', true));
    assert.equal(error.status, 404);
    assert.equal(error.code, 'unknown_host');
    assert.match(error.message, /live hosts: h1, h2/);
    clock.advance(6001); // both hosts fall silent
    assert.equal((await refusal(service.setMonitored('h1', 'web', true))).code, 'unknown_host');
    assert.equal(bus.sent.length, 0);
  });

  it("turns the agent's answers into the API's: not found, failed, not confirmed", async () => {
    bus.answer = (hostname) => ({
      kind: 'ack',
      hostname,
      command: 'actives',
      ok: false,
      error: 'not_found',
      message: 'no container named web on host h1',
    });
    assert.deepEqual([(await refusal(service.setMonitored('h1', 'web', true))).status], [404]);
    bus.answer = (hostname) => ({ kind: 'ack', hostname, command: 'actives', ok: false, error: 'failed', message: 'disk full' });
    const failed = await refusal(service.setMonitored('h1', 'web', true));
    assert.deepEqual([failed.status, failed.code, failed.message], [502, 'agent_failed', 'disk full']);
    bus.answer = () => null;
    const silent = await refusal(service.setMonitored('h1', 'web', true));
    assert.deepEqual([silent.status, silent.code, silent.commandId], [504, 'not_confirmed', 'cmd-3']);
    assert.match(
      silent.message,
      /its outcome \(applied or refused\) shows in GET \/events\?type=command&host=h1 as the command event with commandId cmd-3$/,
    );
  });

  it('never answers 200 that nobody confirmed: no live agent is 503 with nothing sent, no confirm at all is 504 (issue 26)', async () => {
    bus.answer = () => null;
    const none = await refusal(service.setThreshold(30));
    assert.deepEqual([none.status, none.code, none.commandId], [504, 'not_confirmed', 'cmd-1']);
    assert.match(none.message, /^no host confirmed within 4000 ms \(asked: h1, h2\)/);
    assert.deepEqual([(await refusal(service.setDryRun(true))).status], [504]);
    clock.advance(6001); // both hosts fall silent
    const sent = bus.sent.length;
    for (const call of [service.setThreshold(30), service.setDryRun(true)]) {
      const refused = await refusal(call);
      assert.deepEqual([refused.status, refused.code], [503, 'no_live_agent']);
      assert.match(refused.message, /^no agent is live, so none could confirm; nothing was sent \(silent: h1, h2\)/);
    }
    assert.equal(bus.sent.length, sent, 'nothing sent');
  });

  it('sets the threshold on every live host; a host that did not answer is unconfirmed, one that refused is a failure', async () => {
    bus.answer = (hostname) => (hostname === 'h1' ? { kind: 'ack', hostname, command: 'threshold', ok: true, threshold: 30 } : null);
    assert.deepEqual(await service.setThreshold(30), { threshold: 30, confirmed: ['h1'], unconfirmed: ['h2'] });
    bus.answer = (hostname) =>
      hostname === 'h1'
        ? { kind: 'ack', hostname, command: 'threshold', ok: true, threshold: 30 }
        : { kind: 'ack', hostname, command: 'threshold', ok: false, error: 'failed', message: 'could not save the threshold: ENOSPC' };
    const failed = await refusal(service.setThreshold(30));
    assert.deepEqual(
      [failed.status, failed.code, failed.message],
      [502, 'agent_failed', 'host h2 refused it: could not save the threshold: ENOSPC (applied by h1)'],
    );
    assert.deepEqual(bus.sent[0], {
      to: 'all',
      command: { kind: 'threshold', threshold: 30, by: 'api' },
      options: { timeoutMs: 4000, persistent: true },
    });
  });

  it('GET /hosts shows a confirmed threshold or mode at once; a heartbeat sent before the change does not undo it (the CLI test saw 70 % after 65 % was confirmed)', async () => {
    bus.answer = (hostname, command) =>
      hostname === 'h1' && command.kind === 'threshold'
        ? { kind: 'ack', hostname, command: 'threshold', ok: true, threshold: command.threshold }
        : hostname === 'h1'
          ? { kind: 'ack', hostname, command: 'mode', ok: true }
          : null;
    await service.setThreshold(65);
    await service.setDryRun(true, 'h1');
    const h1 = () => service.hosts().find((h) => h.hostname === 'h1');
    const shown = () => [h1()?.threshold, h1()?.dryRun === true];
    assert.deepEqual(shown(), [65, true]);
    assert.equal(service.hosts().find((h) => h.hostname === 'h2')?.threshold, 60, 'h2 did not confirm: its heartbeat stands');
    registry.record(heartbeat('h1')); // in flight before the change: 60, not observe-only
    assert.deepEqual(shown(), [65, true]);
    registry.record({ ...heartbeat('h1'), threshold: 65, dryRun: true }); // the host's own word now agrees
    registry.record(heartbeat('h1')); // and from now on its heartbeats are the truth again
    assert.deepEqual(shown(), [60, false]);
  });

  it("removing the policy of a name with no container is 404 unknown_container, not 502 'older version' (issue 26)", async () => {
    bus.answer = (hostname) => ({
      kind: 'ack',
      hostname,
      command: 'policy',
      ok: true,
      container: { hostname, name: 'gone', status: 'absent', monitored: false },
    });
    const refused = await refusal(service.setPolicy('h1', 'gone', {}));
    assert.deepEqual([refused.status, refused.code], [404, 'unknown_container']);
    assert.match(refused.message, /policy the API had set for that name is removed/);
  });

  it('is healthy only while the broker answers: a connection to a frozen broker is unresponsive (issue 26)', async () => {
    assert.deepEqual(await service.health(), { status: 'ok', bus: 'connected', liveHosts: 2 });
    bus.answers = false;
    assert.deepEqual(await service.health(), { status: 'degraded', bus: 'unresponsive', liveHosts: 2 });
  });

  it('answers 503 while the bus is down, and says so in its health', async () => {
    bus.connected = false;
    const error = await refusal(service.listContainers());
    assert.deepEqual([error.status, error.code], [503, 'bus_unavailable']);
    assert.deepEqual(await service.health(), { status: 'degraded', bus: 'disconnected', liveHosts: 2 });
    clock.advance(6001); // no heartbeat reaches a control without a bus: every host looks silent
    const sentBefore = bus.sent.length;
    for (const call of [
      service.setMonitored('h1', 'web', true),
      service.setPolicy('h1', 'web', { threshold: 10 }),
      service.listContainers({ host: 'h1' }),
    ]) {
      const refused = await refusal(call);
      assert.deepEqual([refused.status, refused.code], [503, 'bus_unavailable'], 'not 404 unknown_host: nobody could be asked (issue 26)');
    }
    assert.equal(bus.sent.length, sentBefore, 'nothing sent');
  });

  it('after a short reconnect, calls go on at once: the hosts heard from within HOST_TIMEOUT_MS are still known (issue 26 #7)', async () => {
    clock.advance(3000);
    registry.listening();
    let done = false;
    const listing = service.listContainers().then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, true, 'no wait');
    await listing;
  });

  it('waits one heartbeat period after the bus (re)connects with a stale picture (first connect, long outage), so every live host is known', async () => {
    clock.advance(6001);
    registry.listening();
    let done = false;
    const listing = service.listContainers().then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(done, false);
    registry.record(heartbeat('h3'));
    clock.advance(2250);
    await listing;
    assert.deepEqual(bus.sent.length, 1);
    assert.deepEqual((await service.listContainers()).silent, ['h1', 'h2', 'h3']);
  });

  it('shares one gather among concurrent listings (single flight), and a command makes the next listing fresh', async () => {
    service = new ControlService(bus, registry, 4000, () => clock.now());
    bus.answer = (hostname) => ({
      kind: 'list_response',
      hostname,
      containers: [{ hostname, name: 'a', status: 'running', monitored: false }],
    });
    const [first, second, third] = await Promise.all([service.listContainers(), service.listContainers(), service.listContainers()]);
    assert.equal(bus.sent.filter((s) => s.command.kind === 'list_request').length, 1, 'one list_request for three callers');
    assert.deepEqual(second, first);
    assert.deepEqual(third, first);
    await service.listContainers();
    assert.equal(bus.sent.filter((s) => s.command.kind === 'list_request').length, 2, 'a listing after the first ended gathers afresh');

    const slow = service.listContainers();
    bus.answer = (hostname, command) =>
      command.kind === 'actives'
        ? { kind: 'ack', hostname, command: 'actives', ok: true, container: { hostname, name: 'a', status: 'running', monitored: true } }
        : { kind: 'list_response', hostname, containers: [{ hostname, name: 'a', status: 'running', monitored: true }] };
    await service.setMonitored('h1', 'a', true);
    const after = await service.listContainers();
    await slow;
    assert.equal(
      bus.sent.filter((s) => s.command.kind === 'list_request').length,
      4,
      'the listing asked for after the command did not join the one begun before it',
    );
    assert.equal(
      containersOf(after).every((c) => c.monitored),
      true,
    );
  });

  it('joins only a gather begun within the last second', async () => {
    service = new ControlService(bus, registry, 4000, () => clock.now());
    let release = (): void => undefined;
    bus.held = new Promise((resolve) => (release = resolve));
    const tick = () => new Promise((resolve) => setImmediate(resolve));
    const first = service.listContainers();
    await tick();
    clock.advance(900);
    const joined = service.listContainers();
    await tick();
    assert.equal(bus.sent.length, 1, 'joined the gather begun 0.9 s ago');
    clock.advance(600);
    const fresh = service.listContainers();
    await tick();
    assert.equal(bus.sent.length, 2, 'the gather in flight began 1.5 s ago: a new one');
    release();
    assert.equal(await joined, await first);
    assert.notEqual(await fresh, await first);
  });

  it('asks only the named host for a host query, 404 for a host with no live agent, and filters what an old agent sends unfiltered', async () => {
    bus.answer = (hostname) => ({
      kind: 'list_response',
      hostname,
      containers: [
        { hostname, name: 'web-1', status: 'running', monitored: true },
        { hostname, name: 'db', status: 'exited', monitored: false },
      ],
    });
    const list = await service.listContainers({ host: 'h2', name: 'web-*' });
    assert.deepEqual(
      bus.sent.map((s) => [s.to, s.command]),
      [['h2', { kind: 'list_request', filter: { name: 'web-*' }, sharedPolicies: true }]],
    );
    assert.deepEqual(
      containersOf(list).map((c) => `${c.hostname}/${c.name}`),
      ['h2/web-1'],
      'the agent ignored the filter; control applied it',
    );
    const error = await refusal(service.listContainers({ host: 'nowhere' }));
    assert.deepEqual([error.status, error.code], [404, 'unknown_host']);
    assert.match(error.message, /live hosts: h1, h2/);
    await service.listContainers();
    assert.deepEqual(
      bus.sent.at(-1)?.command,
      { kind: 'list_request', sharedPolicies: true },
      'no filter: the original message, asking for shared policies',
    );
  });

  it('writes every container with its policy in full, from shared policies and from an older agent that sends them whole', async () => {
    const hostPolicy = {
      threshold: { value: 60, source: 'host' },
      stopTimeoutSec: { value: 10, source: 'host' },
      restartLimit: { value: 5, source: 'host' },
      action: { value: 'restart', source: 'host' },
      onExhausted: { value: 'backoff', source: 'host' },
    } as const;
    const labelled = { ...hostPolicy, threshold: { value: 20, source: 'label' } } as const;
    bus.answer = (hostname) =>
      hostname === 'h1'
        ? {
            kind: 'list_response',
            hostname,
            policies: [hostPolicy, labelled],
            containers: [
              { hostname, name: 'web', status: 'running', monitored: true, policyIndex: 0, apiPolicy: {} },
              { hostname, name: 'db', status: 'running', monitored: true, policyIndex: 1 },
              { hostname, name: 'tmp', status: 'exited', monitored: false },
            ],
          }
        : {
            kind: 'list_response',
            hostname,
            containers: [{ hostname, name: 'web', status: 'running', monitored: true, policy: labelled }],
          };
    const containers = containersOf(await service.listContainers());
    assert.deepEqual(containers, [
      { hostname: 'h1', name: 'db', status: 'running', monitored: true, policy: labelled },
      { hostname: 'h1', name: 'tmp', status: 'exited', monitored: false },
      { hostname: 'h1', name: 'web', status: 'running', monitored: true, apiPolicy: {}, policy: hostPolicy },
      { hostname: 'h2', name: 'web', status: 'running', monitored: true, policy: labelled },
    ]);
    assert.ok(
      containers.every((c) => !('policyIndex' in c)),
      'no index reaches the API',
    );
  });
});
