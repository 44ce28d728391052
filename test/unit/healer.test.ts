import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { Healer } from '../../agent/healing/healer.js';
import { FakeClock, FakeRuntime, RecordingLog, settle, settleUntil } from '../support/fakes.js';

let clock: FakeClock;
let runtime: FakeRuntime;
let log: RecordingLog;
let healer: Healer;

beforeEach(() => {
  clock = new FakeClock();
  runtime = new FakeRuntime();
  log = new RecordingLog();
  healer = new Healer(runtime, clock, log, {
    stopTimeoutSec: 3,
    restartPolicy: { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 },
  });
});

describe('Healer', () => {
  it('one heal at a time per container: a second request while one is under way does nothing', async () => {
    runtime.add('web');
    let open!: () => void;
    runtime.hold = new Promise((resolve) => (open = resolve));
    const first = healer.heal('web', 'restart', 'loss 100%', 'check');
    const second = healer.heal('web', 'restart', 'loss 100%', 'check');
    assert.equal(healer.isHealing('web'), true);
    open();
    await Promise.all([first, second]);
    assert.deepEqual(runtime.calls, ['restart web t=3']);
    assert.equal(healer.isHealing('web'), false);
  });

  it('past the restart budget it backs off and says until when', async () => {
    runtime.add('web');
    for (let i = 0; i < 3; i++) await healer.heal('web', 'restart', 'unhealthy', 'event: unhealthy');
    assert.equal(runtime.calls.length, 2);
    const held = log.of('web', 'action').at(-1);
    assert.equal(held?.fields['outcome'], 'backoff');
    // Its backoff (10 s) ends before the window has room again (60 s after the first restart): the later wins.
    assert.match(held?.message ?? '', /too many restarts \(2 in 60000 ms\); backing off 60000 ms, until /);
    assert.equal(healer.backoffUntil('web'), clock.now() + 60_000);
    healer.forget('web');
    assert.equal(healer.backoffUntil('web'), null);
  });

  it('a container that died while we were starting it is looked at again afterwards', async () => {
    runtime.add('web', { running: false, status: 'exited', ip: null });
    const start = runtime.start.bind(runtime);
    let first = true;
    runtime.start = async (name) => {
      const done = await start(name);
      if (first) runtime.kill(name); // the new instance dies at once
      first = false;
      return done;
    };
    let open!: () => void;
    runtime.hold = new Promise((resolve) => (open = resolve));
    const heal = healer.ensureRunning('web', 'event: die');
    await settle();
    await healer.ensureRunning('web', 'event: die'); // its die event, during our start
    open();
    await heal;
    await settle();
    assert.deepEqual(runtime.calls, ['start web', 'start web']);
    assert.equal(log.of('web', 'action').at(-1)?.fields['trigger'], 'recheck: died while being healed');
    assert.equal((await runtime.inspect('web'))?.running, true);
  });

  it("a failed start is logged with the engine's reason and does not throw", async () => {
    runtime.add('web', { running: false, status: 'exited', ip: null });
    runtime.start = async () => {
      throw new Error('no such image');
    };
    await healer.heal('web', 'start', 'container is exited', 'check');
    const line = log.of('web', 'action')[0];
    assert.equal(line?.fields['outcome'], 'failed');
    assert.match(line?.message ?? '', /start failed: no such image/);
  });
});

describe('Healer: write-ahead budget and paced restarts', () => {
  const policy = { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 };

  it('orders no restart before the budget that counts it is saved', async () => {
    runtime.add('web');
    const order: string[] = [];
    let saveDone!: () => void;
    const paced = new Healer(runtime, clock, log, { stopTimeoutSec: 3, restartPolicy: policy }, undefined, undefined, {
      changed: (budgets) => {
        order.push(`save ${budgets['web']?.restarts.length ?? 0}`);
        return new Promise((resolve) => (saveDone = () => resolve()));
      },
    });
    const heal = paced.heal('web', 'restart', 'loss 100%', 'check');
    await settleUntil('the save begun', () => order.length > 0);
    assert.deepEqual(runtime.calls, [], 'the restart waits for the save');
    assert.deepEqual(order, ['save 1']);
    saveDone();
    await heal;
    assert.deepEqual(runtime.calls, ['restart web t=3']);
  });

  it('heals ordered during a save share the next one, which counts them all: two saves for ten restarts', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
    for (const name of names) runtime.add(name);
    const saves: number[] = [];
    let release!: () => void;
    const paced = new Healer(runtime, clock, log, { stopTimeoutSec: 3, restartPolicy: policy }, undefined, undefined, {
      changed: (budgets) => {
        saves.push(Object.keys(budgets).length);
        return saves.length === 1 ? new Promise((resolve) => (release = () => resolve())) : Promise.resolve();
      },
    });
    const heals = names.map((name) => paced.heal(name, 'restart', 'loss 100%', 'check'));
    await settle();
    release();
    await Promise.all(heals);
    assert.equal(runtime.calls.length, 10);
    assert.ok(saves.length <= 2, `${saves.length} saves`);
    assert.equal(saves.at(-1), 10, 'the last save counts every restart');
  });

  it('a save that fails does not stop the heal', async () => {
    runtime.add('web');
    const paced = new Healer(runtime, clock, log, { stopTimeoutSec: 3, restartPolicy: policy }, undefined, undefined, {
      changed: () => Promise.reject(new Error('ENOSPC')),
    });
    await paced.heal('web', 'restart', 'loss 100%', 'check');
    assert.deepEqual(runtime.calls, ['restart web t=3']);
  });

  it('at most RESTART_CONCURRENCY restarts in flight, oldest first; a start never waits behind them', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'down'])
      runtime.add(name, name === 'down' ? { running: false, status: 'exited', ip: null } : {});
    let open!: () => void;
    runtime.hold = new Promise((resolve) => (open = resolve));
    const paced = new Healer(runtime, clock, log, { stopTimeoutSec: 3, restartPolicy: policy, restartConcurrency: 2 });
    const heals = ['a', 'b', 'c', 'd'].map((name) => paced.heal(name, 'restart', 'loss 100%', 'check'));
    await settle();
    assert.deepEqual(runtime.calls, ['restart a t=3', 'restart b t=3'], 'two in flight');
    assert.equal(paced.queuedRestarts, 2);
    const start = paced.heal('down', 'start', 'exited', 'event: die');
    await settle();
    assert.deepEqual(runtime.calls.slice(2), ['start down'], 'the start went ahead of the queued restarts');
    open();
    await Promise.all([...heals, start]);
    assert.deepEqual(runtime.calls.slice(3), ['restart c t=3', 'restart d t=3'], 'then the rest, in the order they were ordered');
    assert.equal(paced.queuedRestarts, 0);
  });
});

describe('Healer: the last resort (onExhausted)', () => {
  const policed = (onExhausted: 'backoff' | 'stop' | 'notify'): Healer =>
    new Healer(
      runtime,
      clock,
      log,
      { stopTimeoutSec: 3, restartPolicy: { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 } },
      (heal) => heals.push(heal.outcome + (heal.gaveUp ? `:${heal.gaveUp}` : '')),
      () => ({ stopTimeoutSec: 7, restartLimit: 2, mode: 'act', onExhausted }),
    );
  let heals: string[];
  beforeEach(() => (heals = []));

  it('stop: once the budget is spent it stops the container, says so once, and starts it no more', async () => {
    runtime.add('web');
    const healer = policed('stop');
    for (let i = 0; i < 3; i++) await healer.heal('web', 'restart', 'unhealthy', 'event: unhealthy');
    assert.deepEqual(
      runtime.calls,
      ['restart web t=3', 'restart web t=3', 'stop web t=7'].map((c) => c.replace('t=3', 't=7')),
    );
    assert.deepEqual(heals, ['ok', 'ok', 'gave-up:stop']);
    assert.match(
      log.of('web', 'action').at(-1)?.message ?? '',
      /restart budget spent \(2 in 60000 ms.*gave up: stopped it, and leaves it stopped/,
    );
    clock.advance(10 * 60_000); // long past any backoff: still left alone
    await healer.ensureRunning('web', 'check');
    await healer.heal('web', 'start', 'exited', 'check');
    assert.equal(runtime.calls.length, 3, 'never started again by the watchdog');
    assert.deepEqual(heals, ['ok', 'ok', 'gave-up:stop'], 'told once');
  });

  it('stop: someone starting it again (a restart is asked of a running container) forgives it; monitoring again does too', async () => {
    runtime.add('web');
    const healer = policed('stop');
    for (let i = 0; i < 3; i++) await healer.heal('web', 'restart', 'lossy', 'check');
    runtime.revive('web');
    clock.advance(120_000);
    await healer.heal('web', 'restart', 'lossy', 'check');
    assert.equal(runtime.calls.at(-1), 'restart web t=7');
  });

  it('notify: leaves it as it is and heals it no more, until it recovers', async () => {
    runtime.add('web');
    const healer = policed('notify');
    for (let i = 0; i < 4; i++) await healer.heal('web', 'restart', 'lossy', 'check');
    assert.equal(runtime.calls.length, 2, 'nothing stopped, nothing restarted past the budget');
    assert.deepEqual(heals, ['ok', 'ok', 'gave-up:notify']);
    clock.advance(120_000);
    await healer.heal('web', 'restart', 'lossy', 'check');
    assert.equal(runtime.calls.length, 2, 'still given up');
    healer.recovered('web');
    await healer.heal('web', 'restart', 'lossy', 'check');
    assert.equal(runtime.calls.length, 3, 'healed again after it recovered');
  });

  it('backoff (the default) keeps today: held, then healed again after the backoff', async () => {
    runtime.add('web');
    const healer = policed('backoff');
    for (let i = 0; i < 3; i++) await healer.heal('web', 'restart', 'lossy', 'check');
    assert.deepEqual(heals, ['ok', 'ok', 'backoff']);
    clock.advance(120_000);
    await healer.heal('web', 'restart', 'lossy', 'check');
    assert.equal(runtime.calls.length, 3);
  });

  it('a given-up container stays given up across an agent restart (saved with the budgets)', async () => {
    runtime.add('web');
    let saved: Record<string, import('../../agent/ports.js').SavedBudget> = {};
    const make = (): Healer =>
      new Healer(
        runtime,
        clock,
        log,
        { stopTimeoutSec: 3, restartPolicy: { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 } },
        () => undefined,
        () => ({ stopTimeoutSec: 7, restartLimit: 2, mode: 'act', onExhausted: 'stop' }),
        { saved, changed: async (b) => void (saved = b) },
      );
    const first = make();
    for (let i = 0; i < 3; i++) await first.heal('web', 'restart', 'lossy', 'check');
    assert.equal(saved['web']?.gaveUp, 'stop');
    clock.advance(10 * 60_000);
    await make().heal('web', 'start', 'exited', 'check');
    assert.equal(runtime.calls.filter((c) => c.startsWith('start')).length, 0, 'the new agent does not start what the old one gave up on');
  });
});
