import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { CommandHandler } from '../../agent/commands/command-handler.js';
import { Watchdog } from '../../agent/watchdog.js';
import { FakeClock, FakeProber, FakeRuntime, MemoryStore, RecordingLog } from '../support/fakes.js';

let runtime: FakeRuntime;
let store: MemoryStore;
let watchdog: Watchdog;
let handler: CommandHandler;

beforeEach(() => {
  runtime = new FakeRuntime();
  store = new MemoryStore();
  watchdog = new Watchdog(
    { runtime, prober: new FakeProber(), store, clock: new FakeClock(), log: new RecordingLog() },
    {
      checkIntervalMs: 1000,
      pingCount: 5,
      concurrency: 4,
      stopTimeoutSec: 2,
      restartPolicy: { maxRestarts: 3, windowMs: 60_000, baseBackoffMs: 1000, maxBackoffMs: 1000 },
    },
    { monitored: ['web', 'gone'], threshold: 60 },
  );
  handler = new CommandHandler('h1', watchdog, runtime);
});

const hostPolicy = {
  threshold: { value: 60, source: 'host' },
  stopTimeoutSec: { value: 2, source: 'host' },
  restartLimit: { value: 3, source: 'host' },
  action: { value: 'restart', source: 'host' },
  onExhausted: { value: 'backoff', source: 'host' },
} as const;

/** A reply as the bus carries it (JSON leaves out the fields a status does not have). */
const onTheWire = (reply: unknown): unknown => JSON.parse(JSON.stringify(reply)) as unknown;

describe('CommandHandler', () => {
  it('lists every container of the host with its monitoring status, and monitored names that are absent', async () => {
    runtime.add('web');
    runtime.add('db', { running: false, status: 'exited', ip: null });
    assert.deepEqual(onTheWire(await handler.handle({ kind: 'list_request' })), {
      kind: 'list_response',
      hostname: 'h1',
      containers: [
        { hostname: 'h1', name: 'db', status: 'exited', monitored: false },
        { hostname: 'h1', name: 'gone', status: 'absent', monitored: true },
        { hostname: 'h1', name: 'web', status: 'running', monitored: true, policy: hostPolicy },
      ],
    });
  });

  it("sends each distinct policy once when asked for shared policies, and each container's as its index there", async () => {
    runtime.add('web');
    runtime.add('web-2', { labels: { 'watchdog.monitor': 'true' } });
    runtime.add('db', { labels: { 'watchdog.monitor': 'true', 'watchdog.threshold': '20' } });
    runtime.add('tmp', { running: false, status: 'exited', ip: null });
    assert.deepEqual(onTheWire(await handler.handle({ kind: 'list_request', sharedPolicies: true })), {
      kind: 'list_response',
      hostname: 'h1',
      containers: [
        { hostname: 'h1', name: 'db', status: 'running', monitored: true, policyIndex: 1 },
        { hostname: 'h1', name: 'gone', status: 'absent', monitored: true },
        { hostname: 'h1', name: 'tmp', status: 'exited', monitored: false },
        { hostname: 'h1', name: 'web', status: 'running', monitored: true, policyIndex: 0 },
        { hostname: 'h1', name: 'web-2', status: 'running', monitored: true, policyIndex: 0 },
      ],
      policies: [hostPolicy, { ...hostPolicy, threshold: { value: 20, source: 'label' } }],
    });
  });

  it('answers a filtered list_request with the matching containers only', async () => {
    runtime.add('web');
    runtime.add('web-2', { running: false, status: 'exited', ip: null });
    runtime.add('db', { running: false, status: 'exited', ip: null });
    const names = async (filter: object) => {
      const reply = await handler.handle({ kind: 'list_request', filter });
      return reply?.kind === 'list_response' ? reply.containers.map((c) => c.name) : [];
    };
    assert.deepEqual(await names({ status: ['exited'] }), ['db', 'web-2']);
    assert.deepEqual(await names({ monitored: true }), ['gone', 'web']);
    assert.deepEqual(await names({ name: 'web*' }), ['web', 'web-2']);
    assert.deepEqual(await names({ name: 'web-?', status: ['exited', 'dead'] }), ['web-2']);
    assert.deepEqual(await names({ status: ['absent'] }), ['gone']);
    assert.deepEqual(await names({ name: 'w.b' }), [], 'a dot is a dot, not any character');
  });

  it('sets the threshold, saves it and acknowledges', async () => {
    assert.deepEqual(await handler.handle({ kind: 'threshold', threshold: 25 }), {
      kind: 'ack',
      hostname: 'h1',
      command: 'threshold',
      ok: true,
      threshold: 25,
    });
    assert.equal(store.saved?.threshold, 25);
  });

  it('refuses to monitor a container that does not exist on this host, and changes nothing', async () => {
    const reply = await handler.handle({ kind: 'actives', hostname: 'h1', name: 'nope', monitored: true });
    assert.equal(reply?.kind === 'ack' && reply.error, 'not_found');
    assert.deepEqual(watchdog.watchList.snapshot.monitored, ['web', 'gone']);
    assert.equal(store.saved, null);
  });

  it('monitors and unmonitors an existing container', async () => {
    runtime.add('db');
    const reply = await handler.handle({ kind: 'actives', hostname: 'h1', name: 'db', monitored: true });
    assert.deepEqual(onTheWire(reply), {
      kind: 'ack',
      hostname: 'h1',
      command: 'actives',
      ok: true,
      container: { hostname: 'h1', name: 'db', status: 'running', monitored: true, policy: hostPolicy },
    });
    await handler.handle({ kind: 'actives', hostname: 'h1', name: 'web', monitored: false });
    assert.deepEqual(watchdog.watchList.snapshot.monitored, ['gone', 'db']);
  });

  it('unmonitors a name that has no container any more', async () => {
    const reply = await handler.handle({ kind: 'actives', hostname: 'h1', name: 'gone', monitored: false });
    assert.equal(reply?.kind === 'ack' && reply.ok, true);
    assert.deepEqual(watchdog.watchList.snapshot.monitored, ['web']);
  });

  it('sets a container policy, saves it, answers with the effective policy; {} removes it', async () => {
    runtime.add('db', { labels: { 'watchdog.restart-limit': '2' }, stopTimeoutSec: 9 });
    const reply = await handler.handle({ kind: 'policy', hostname: 'h1', name: 'db', policy: { threshold: 10, action: 'notify' } });
    assert.equal(reply?.kind === 'ack' && reply.ok, true);
    const policy = reply?.kind === 'ack' ? reply.container?.policy : undefined;
    assert.deepEqual(policy, {
      threshold: { value: 10, source: 'api' },
      stopTimeoutSec: { value: 9, source: 'container' },
      restartLimit: { value: 2, source: 'label' },
      action: { value: 'notify', source: 'api' },
      onExhausted: { value: 'backoff', source: 'host' },
    });
    assert.deepEqual(reply?.kind === 'ack' ? reply.container?.apiPolicy : undefined, { threshold: 10, action: 'notify' });
    assert.deepEqual(store.saved?.policies, { db: { threshold: 10, action: 'notify' } });
    await handler.handle({ kind: 'policy', hostname: 'h1', name: 'db', policy: {} });
    assert.equal(store.saved?.policies, undefined);
  });

  it('refuses a policy for a container that does not exist, and changes nothing', async () => {
    const reply = await handler.handle({ kind: 'policy', hostname: 'h1', name: 'nope', policy: { threshold: 10 } });
    assert.equal(reply?.kind === 'ack' && reply.error, 'not_found');
    assert.equal(store.saved, null);
  });

  it('switches observe-only on and off; refuses off under DRY_RUN', async () => {
    assert.deepEqual(await handler.handle({ kind: 'mode', dryRun: true }), {
      kind: 'ack',
      hostname: 'h1',
      command: 'mode',
      ok: true,
      dryRun: true,
    });
    assert.equal(store.saved?.dryRun, true);
    assert.equal(await handler.handle({ kind: 'mode', hostname: 'h2', dryRun: false }), null, 'for another host');
    const pinned = new CommandHandler('h1', watchdog, runtime, runtime, true);
    const refused = await pinned.handle({ kind: 'mode', dryRun: false });
    assert.equal(refused?.kind === 'ack' && refused.ok, false);
    assert.match(refused?.kind === 'ack' ? (refused.message ?? '') : '', /DRY_RUN=true/);
  });

  it('ignores an actives command for another host', async () => {
    runtime.add('db');
    assert.equal(await handler.handle({ kind: 'actives', hostname: 'h2', name: 'db', monitored: true }), null);
    assert.deepEqual(watchdog.watchList.snapshot.monitored, ['web', 'gone']);
  });

  it('reports a change it could not save as failed, and does not apply it', async () => {
    runtime.add('db');
    store.failSave = new Error('EROFS: read-only file system');
    const reply = await handler.handle({ kind: 'actives', hostname: 'h1', name: 'db', monitored: true });
    assert.equal(reply?.kind === 'ack' && reply.error, 'failed');
    assert.match(reply?.kind === 'ack' ? (reply.message ?? '') : '', /EROFS/);
    assert.deepEqual(watchdog.watchList.snapshot.monitored, ['web', 'gone']);
  });

  it('refuses a command whose container the engine does not answer about in time, and changes nothing', async () => {
    runtime.add('api');
    runtime.hangInspect = true;
    const impatient = new CommandHandler('h1', watchdog, runtime, runtime, false, 50);
    const reply = await impatient.handle({ kind: 'actives', hostname: 'h1', name: 'api', monitored: true });
    assert.deepEqual(reply, {
      kind: 'ack',
      hostname: 'h1',
      command: 'actives',
      ok: false,
      error: 'failed',
      message: 'the Docker engine did not answer about api within 0.05 s (hung?); nothing changed',
    });
    assert.equal(watchdog.policies.isMonitored('api'), false);
  });
});
