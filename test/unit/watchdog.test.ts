import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import type { ProbeOutcome, ProbeSink } from '../../agent/probing/loop-prober.js';
import type { ContainerInfo } from '../../agent/ports.js';
import { ContainerInventory } from '../../agent/engine/container-inventory.js';
import { Watchdog, type WatchdogOptions } from '../../agent/watchdog.js';
import { FakeClock, FakeProber, FakeRuntime, MemoryStore, RecordingLog, settle, settleUntil } from '../support/fakes.js';

const options: WatchdogOptions = {
  checkIntervalMs: 1_000,
  pingCount: 5,
  concurrency: 4,
  stopTimeoutSec: 2,
  restartPolicy: { maxRestarts: 3, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 },
};

let clock: FakeClock;
let runtime: FakeRuntime;
let prober: FakeProber;
let store: MemoryStore;
let log: RecordingLog;

function watchdog(monitored: string[], threshold = 60, overrides: Partial<WatchdogOptions> = {}): Watchdog {
  return new Watchdog({ runtime, prober, store, clock, log }, { ...options, ...overrides }, { monitored, threshold });
}

beforeEach(() => {
  clock = new FakeClock();
  runtime = new FakeRuntime();
  prober = new FakeProber();
  store = new MemoryStore();
  log = new RecordingLog();
});

describe('check cycle', () => {
  it('starts a monitored container that is down', async () => {
    runtime.add('web', { running: false, status: 'exited', ip: null });
    await watchdog(['web']).runCycle();
    assert.deepEqual(runtime.calls, ['start web']);
    assert.equal(log.of('web', 'check')[0]?.fields['verdict'], 'down');
    assert.equal(log.of('web', 'action')[0]?.fields['outcome'], 'ok');
  });

  it('starts a running container without an IP address', async () => {
    runtime.add('web', { ip: null });
    await watchdog(['web']).runCycle();
    assert.deepEqual(runtime.calls, ['start web']);
  });

  it('restarts a container whose loss is over the threshold, with the short stop timeout', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 80);
    await watchdog(['web'], 60).runCycle();
    assert.deepEqual(runtime.calls, ['restart web t=2']);
    const check = log.of('web', 'check')[0];
    assert.equal(check?.fields['verdict'], 'lossy');
    assert.equal(check?.fields['lossPercent'], 80);
  });

  it('leaves a container whose loss equals the threshold, and logs loss and round-trip time', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 60);
    await watchdog(['web'], 60).runCycle();
    assert.deepEqual(runtime.calls, []);
    const check = log.of('web', 'check')[0];
    assert.equal(check?.fields['verdict'], 'ok');
    assert.equal(check?.fields['lossPercent'], 60);
    assert.equal(check?.fields['rttMs'], 0.05);
  });

  it('logs a container absent from the host and does nothing else', async () => {
    await watchdog(['ghost']).runCycle();
    assert.deepEqual(runtime.calls, []);
    const lines = log.of('ghost');
    assert.equal(lines.length, 1);
    assert.equal(lines[0]?.level, 'info');
    assert.equal(lines[0]?.fields['verdict'], 'absent');
  });

  it('never checks or touches an unmonitored container', async () => {
    runtime.add('other', { running: false, status: 'exited', ip: null });
    runtime.add('web');
    await watchdog(['web']).runCycle();
    assert.deepEqual(runtime.calls, []);
    assert.equal(log.of('other').length, 0);
  });

  it('does not restart a container that was restarted while it was being probed', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 80); // replies lost while it was down
    let open!: () => void;
    prober.gate = new Promise((resolve) => (open = resolve));
    const cycle = watchdog(['web']).runCycle();
    await settle();
    runtime.restartedElsewhere('web');
    open();
    await cycle;
    assert.deepEqual(runtime.calls, []);
    assert.equal(log.of('web', 'check')[0]?.fields['verdict'], 'changed');
  });

  it('logs a start that found the container already running again as such, not as a heal', async () => {
    runtime.add('web', { running: false, status: 'exited', ip: null });
    let open!: () => void;
    runtime.hold = new Promise((resolve) => (open = resolve)); // our start is under way...
    const cycle = watchdog(['web']).runCycle();
    await settle();
    assert.deepEqual(runtime.calls, ['start web']);
    runtime.revive('web'); // ...when someone else starts it first
    open();
    await cycle;
    assert.equal(log.of('web', 'action')[0]?.fields['outcome'], 'already-running');
    assert.deepEqual(runtime.calls, ['start web']);
  });

  it('does not restart when the probe itself fails, and says why', async () => {
    runtime.add('web');
    prober.failure = new Error('spawn ping ENOENT');
    await watchdog(['web']).runCycle();
    assert.deepEqual(runtime.calls, []);
    assert.match(log.of('web', 'check')[0]?.message ?? '', /spawn ping ENOENT/);
  });

  it('survives the engine being unreachable and logs it', async () => {
    runtime.add('web');
    runtime.failInspect = new Error('connect ENOENT /var/run/docker.sock');
    await watchdog(['web']).runCycle();
    assert.equal(log.of('web', 'check')[0]?.level, 'error');
  });

  it('probes every running container of a cycle in one batch, and starts the down ones', async () => {
    const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
    for (const name of names) runtime.add(name);
    runtime.kill('c3');
    await watchdog(names).runCycle();
    assert.equal(prober.batches.length, 1);
    assert.equal(prober.batches[0]?.length, 9);
    assert.deepEqual(runtime.calls, ['start c3']);
    assert.equal(log.lines.filter((l) => l.fields['kind'] === 'check').length, 10, 'one check line per container');
  });

  it('never overlaps cycles: a cycle asked for during one joins it', async () => {
    runtime.add('web');
    let open!: () => void;
    prober.gate = new Promise((resolve) => (open = resolve));
    const dog = watchdog(['web']);
    const first = dog.runCycle();
    const second = dog.runCycle();
    await settle();
    open();
    assert.equal(await first, await second);
    assert.equal(prober.probed.length, 1);
  });

  it('a threshold change applies to every probe judged after it, even in a cycle under way', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 50);
    let open!: () => void;
    prober.gate = new Promise((resolve) => (open = resolve));
    const dog = watchdog(['web'], 60);
    const cycle = dog.runCycle();
    await settle();
    await dog.watchList.setThreshold(40);
    open();
    await cycle;
    assert.deepEqual(runtime.calls, ['restart web t=2'], 'judged against 40 once the probe came back');
  });

  it('a cycle longer than the interval says so, and the next one starts right after it instead of piling up', async () => {
    const web = runtime.add('web');
    let open!: () => void;
    prober.gate = new Promise((resolve) => (open = resolve));
    const dog = watchdog(['web']);
    dog.start();
    clock.advance(0);
    await settle();
    clock.advance(2_500); // the probe takes 2.5 intervals
    open();
    await settle();
    const cycle = log.lines.find((l) => l.fields['kind'] === 'cycle');
    assert.equal(cycle?.level, 'warn');
    assert.equal(cycle?.fields['overran'], true);
    assert.equal(cycle?.fields['durationMs'], 2_500);
    prober.gate = null;
    clock.advance(0);
    await settle();
    assert.equal(prober.probed.filter((ip) => ip === web.ip).length, 2, 'the next cycle ran at once, once');
    await dog.stop();
  });

  it('the timer runs a cycle every interval', async () => {
    runtime.add('web', { running: false, status: 'exited', ip: null });
    const dog = watchdog(['web']);
    dog.start();
    clock.advance(0);
    await settle();
    assert.deepEqual(runtime.calls, ['start web']);
    runtime.kill('web');
    clock.advance(999);
    await settle();
    assert.deepEqual(runtime.calls, ['start web'], 'not before the interval');
    clock.advance(1);
    await settle();
    assert.deepEqual(runtime.calls, ['start web', 'start web']);
    await dog.stop();
  });
});

describe('Docker events', () => {
  it('starts a monitored container at once when it dies, without waiting for a cycle', async () => {
    runtime.add('web');
    const dog = watchdog(['web']);
    dog.start();
    runtime.kill('web');
    runtime.emit('die', 'web');
    await settle();
    assert.deepEqual(runtime.calls, ['start web']);
    assert.equal(log.of('web', 'action')[0]?.fields['trigger'], 'event: die');
    await dog.stop();
  });

  it('ignores events of unmonitored containers', async () => {
    runtime.add('other');
    runtime.add('web');
    const dog = watchdog(['web']);
    dog.start();
    runtime.kill('other');
    runtime.emit('die', 'other');
    runtime.kill('web');
    runtime.emit('die', 'web'); // after it: once web is started, the event of other was handled
    await settleUntil('the monitored one started', () => runtime.calls.length > 0);
    assert.deepEqual(runtime.calls, ['start web']);
    await dog.stop();
  });

  it('does not react to the die event of its own restart', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 100);
    let release!: () => void;
    runtime.hold = new Promise((resolve) => (release = resolve));
    const dog = watchdog(['web']);
    dog.start();
    const cycle = dog.runCycle();
    await settle();
    runtime.kill('web');
    runtime.emit('die', 'web'); // caused by our restart
    release();
    await cycle;
    await settle();
    assert.deepEqual(runtime.calls, ['restart web t=2']);
    await dog.stop();
  });

  it('restarts a container whose health check reports unhealthy', async () => {
    runtime.add('web');
    const dog = watchdog(['web']);
    dog.start();
    runtime.emit('health_status: unhealthy', 'web');
    await settle();
    assert.deepEqual(runtime.calls, ['restart web t=2']);
    await dog.stop();
  });

  it('reconciles after the event stream reconnects: containers that died meanwhile are started', async () => {
    runtime.add('web');
    runtime.add('db');
    const dog = watchdog(['web', 'db']);
    dog.start();
    runtime.kill('db');
    runtime.handlers?.onReconnect();
    await settle();
    assert.deepEqual(runtime.calls, ['start db']);
    await dog.stop();
  });
});

describe('restart storms', () => {
  it('a container that keeps dying ends in backoff, then is started again when the backoff ends', async () => {
    runtime.add('web');
    const dog = watchdog(['web']);
    dog.start();
    for (let i = 0; i < 5; i++) {
      runtime.kill('web');
      runtime.emit('die', 'web');
      await settle();
    }
    assert.deepEqual(runtime.calls, ['start web', 'start web', 'start web'], 'three restarts, then held back');
    const backoff = log.of('web', 'action').find((l) => l.fields['outcome'] === 'backoff');
    assert.ok(backoff, 'the log says it backs off');
    assert.equal(backoff.fields['backoffMs'], 60_000, 'until the window has room again: at most 3 in any 60 s');
    assert.notEqual(dog.healer.backoffUntil('web'), null, 'the state shows backoff');

    clock.advance(60_000);
    await settle();
    assert.equal(dog.healer.backoffUntil('web'), null);
    assert.equal(runtime.calls.length, 4, 'the next cycle after the backoff starts it');
    assert.equal((await runtime.inspect('web'))?.running, true);
    await dog.stop();
  });
});

describe('state', () => {
  it('persists threshold and monitored changes before applying them', async () => {
    const dog = watchdog(['web']);
    await dog.watchList.setThreshold(75);
    await dog.setMonitored('db', true);
    await dog.setMonitored('web', false);
    assert.deepEqual(
      store.saved,
      { monitored: ['db'], threshold: 75, unmonitored: ['web'] },
      'unmonitoring is remembered (it holds against a label)',
    );
    assert.deepEqual(dog.watchList.snapshot, { monitored: ['db'], threshold: 75, unmonitored: ['web'] });
  });

  it('a change that cannot be saved is not applied', async () => {
    const dog = watchdog(['web'], 60);
    store.failSave = new Error('EACCES');
    await assert.rejects(dog.watchList.setThreshold(10), /EACCES/);
    assert.deepEqual(dog.watchList.snapshot, { monitored: ['web'], threshold: 60 });
    store.failSave = null;
    await dog.watchList.setThreshold(20);
    assert.equal(dog.watchList.snapshot.threshold, 20);
  });
});

describe('sequential verdict', () => {
  function sequential(lookup: (name: string) => ContainerInfo | undefined): { dog: Watchdog; lose: (ip: string, n: number) => void } {
    let feed: ((outcome: ProbeOutcome) => void) | null = null;
    const continuous = {
      settings: { delta: 10, falseRate: 0.01, missRate: 0.01, fastRatePerSecond: 24 },
      prober: (sink: ProbeSink) => {
        feed = (outcome) => sink.outcome(outcome);
        return { setTargets: () => undefined, close: () => undefined };
      },
    };
    const dog = new Watchdog(
      {
        runtime,
        prober,
        store,
        clock,
        log,
        continuous,
        inventory: { lookup, remember: () => undefined, load: async () => undefined, list: () => runtime.list() },
      },
      options,
      { monitored: ['web'], threshold: 60 },
    );
    // It answers once (so its losses count at once, past the start-up grace), then loses n probes.
    return {
      dog,
      lose: (ip, n) => [
        feed?.({ ip, lost: false, rttMs: 0.1 }),
        ...Array.from({ length: n }, () => feed?.({ ip, lost: true, rttMs: null })),
      ],
    };
  }

  it('restarts on a lossy verdict when the inventory confirms the instance, without asking the engine', async () => {
    const web = runtime.add('web');
    const { dog, lose } = sequential((name) => (name === 'web' ? { ...web } : undefined));
    await dog.runCycle();
    runtime.failInspect = new Error('engine busy');
    lose(web.ip ?? '', 40);
    await settle();
    assert.deepEqual(runtime.calls, ['restart web t=2']);
    assert.equal(log.of('web', 'check')[0]?.fields['rule'], 'silence');
  });

  it('asks the engine when the inventory knows another instance, and leaves one restarted meanwhile alone', async () => {
    const web = runtime.add('web');
    const { dog, lose } = sequential(() => ({ ...web, startedAt: 'an older instance' }));
    await dog.runCycle();
    runtime.restartedElsewhere('web');
    lose(web.ip ?? '', 40);
    await settleUntil('the verdict checked against the engine', () => log.of('web', 'check').at(-1)?.fields['verdict'] === 'changed');
    assert.deepEqual(runtime.calls, [], 'the engine says the judged instance is gone');
    assert.equal(log.of('web', 'check').at(-1)?.fields['verdict'], 'changed');
  });
});

describe('cycle from the inventory', () => {
  function counted(): { inspects: string[] } {
    const inspects: string[] = [];
    const inspect = runtime.inspect.bind(runtime);
    runtime.inspect = async (name) => {
      inspects.push(name);
      return inspect(name);
    };
    return { inspects };
  }

  it('inspects every monitored container only on a resync cycle; between, the event-fed inventory serves the cycle', async () => {
    runtime.add('web');
    runtime.add('db');
    const { inspects } = counted();
    const inventory = new ContainerInventory(runtime, log);
    const dog = new Watchdog(
      { runtime: inventory.watching(), prober, store, clock, log, inventory },
      { ...options, resyncMs: 60_000 },
      { monitored: ['web', 'db', 'ghost'], threshold: 60 },
    );
    dog.start();
    await dog.runCycle();
    assert.deepEqual(inspects.sort(), ['db', 'ghost', 'web'], 'the first cycle is a resync');
    inspects.length = 0;
    clock.advance(1000);
    await dog.runCycle();
    assert.deepEqual(inspects, [], 'no inspect per container between resyncs');
    assert.equal(log.of('ghost', 'check').at(-1)?.fields['verdict'], 'absent', 'the inventory knows ghost has no container');

    // A change the engine reported is in the inventory: db stopped, the die event came.
    runtime.calls.length = 0;
    runtime.kill('db');
    runtime.emit('die', 'db');
    await settle();
    assert.deepEqual(runtime.calls, ['start db'], 'started from the event');
    await dog.stop();
  });

  it('a resync corrects what no event said: a restart the event stream missed is seen after INVENTORY_RESYNC_MS', async () => {
    const web = runtime.add('web', { running: true });
    const inventory = new ContainerInventory(runtime, log);
    const dog = new Watchdog(
      { runtime: inventory.watching(), prober, store, clock, log, inventory },
      { ...options, resyncMs: 60_000 },
      { monitored: ['web'], threshold: 60 },
    );
    await dog.runCycle();
    Object.assign(web, { running: false, status: 'exited', ip: null }); // died, and no event came
    clock.advance(1000);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, [], 'between resyncs the inventory still says running');
    clock.advance(60_000);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['start web'], 'the resync found it down');
  });
});

describe('policy per container', () => {
  it('monitors a container labelled watchdog.monitor=true without an API call, and heals it', async () => {
    runtime.add('cache', { running: false, status: 'exited', ip: null, labels: { 'watchdog.monitor': 'true' } });
    runtime.add('other', { running: false, status: 'exited', ip: null });
    const dog = watchdog([]);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['start cache']);
    assert.deepEqual(dog.policies.monitoredNames(), ['cache']);
  });

  it('an unmonitor through the API holds against the label', async () => {
    runtime.add('cache', { running: false, status: 'exited', ip: null, labels: { 'watchdog.monitor': 'true' } });
    const dog = watchdog([]);
    await dog.setMonitored('cache', false);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, []);
    await dog.setMonitored('cache', true);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['start cache']);
  });

  it('uses the label threshold, and the API policy over it', async () => {
    const db = runtime.add('db', { labels: { 'watchdog.threshold': '20' } });
    prober.loss.set(db.ip ?? '', 40);
    const dog = watchdog(['db'], 60);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['restart db t=2'], '40 % is over the label threshold 20 %');
    await dog.watchList.setPolicy('db', { threshold: 50 });
    runtime.calls.length = 0;
    clock.advance(120_000);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, [], '40 % is within the API threshold 50 %');
    assert.deepEqual(dog.policies.policyOf('db').effective.threshold, { value: 50, source: 'api' });
    assert.deepEqual(store.saved?.policies, { db: { threshold: 50 } });
  });

  it('restarts with the container own StopTimeout, else the host default; a policy beats both', async () => {
    const db = runtime.add('db', { stopTimeoutSec: 1 });
    prober.loss.set(db.ip ?? '', 100);
    const dog = watchdog(['db']);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['restart db t=1']);
    await dog.watchList.setPolicy('db', { stopTimeoutSec: 7 });
    clock.advance(120_000);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['restart db t=1', 'restart db t=7']);
  });

  it('a per-container restart limit holds back the next restart', async () => {
    const web = runtime.add('web', { labels: { 'watchdog.restart-limit': '1' } });
    prober.loss.set(web.ip ?? '', 100);
    const dog = watchdog(['web']);
    await dog.runCycle();
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['restart web t=2']);
    assert.equal(log.of('web', 'action').at(-1)?.fields['outcome'], 'backoff');
  });

  it('notify and dry run decide and tell, and touch nothing; none does neither', async () => {
    const a = runtime.add('a', { labels: { 'watchdog.action': 'notify' } });
    runtime.add('b', { running: false, status: 'exited', ip: null, labels: { 'watchdog.action': 'none' } });
    prober.loss.set(a.ip ?? '', 100);
    const dog = watchdog(['a', 'b']);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, []);
    assert.equal(log.of('a', 'action')[0]?.fields['outcome'], 'notified');
    assert.equal(log.of('b', 'action').length, 0);
    const c = runtime.add('c');
    prober.loss.set(c.ip ?? '', 100);
    await dog.setMonitored('c', true);
    await dog.setDryRun(true);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, []);
    assert.equal(log.of('c', 'action')[0]?.fields['outcome'], 'dry-run');
    await dog.runCycle();
    assert.equal(log.of('c', 'action').length, 1, 'told once per restart window, not every cycle');
    await dog.setDryRun(false);
    await dog.runCycle();
    assert.deepEqual(runtime.calls, ['restart c t=2']);
  });

  it('reports wrong labels once, and falls back to the host defaults', async () => {
    const web = runtime.add('web', { labels: { 'watchdog.threshold': 'high' } });
    prober.loss.set(web.ip ?? '', 70);
    const dog = watchdog(['web'], 60);
    const told: string[][] = [];
    dog.onLabelProblems((_name, problems) => told.push(problems));
    await dog.runCycle();
    await dog.runCycle();
    assert.deepEqual(told, [['watchdog.threshold: must be a number from 0 to 100 (got "high")']]);
    assert.equal(log.lines.filter((l) => l.fields['kind'] === 'label').length, 1);
    assert.deepEqual(dog.policies.policyOf('web').effective.threshold, { value: 60, source: 'host' });
  });

  it('DRY_RUN holds whatever the API says', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 100);
    const dog = watchdog(['web'], 60, { dryRun: true });
    await dog.runCycle();
    assert.deepEqual(runtime.calls, []);
    assert.equal(dog.policies.dryRun, true);
  });
});

describe('restart budget across an agent restart', () => {
  it('a new agent on the same state keeps counting the storm instead of starting it over', async () => {
    const web = runtime.add('web');
    prober.loss.set(web.ip ?? '', 100);
    const first = watchdog(['web'], 60, {
      restartPolicy: { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 },
    });
    await first.runCycle();
    await first.runCycle();
    assert.deepEqual(runtime.calls, ['restart web t=2', 'restart web t=2']);
    await settle();
    assert.equal(store.saved?.restartBudgets?.['web']?.restarts.length, 2, 'saved with the state');
    const saved = store.saved;
    assert.ok(saved);
    const second = new Watchdog(
      { runtime, prober, store, clock, log },
      { ...options, restartPolicy: { maxRestarts: 2, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 40_000 } },
      saved,
    );
    await second.runCycle();
    assert.deepEqual(runtime.calls, ['restart web t=2', 'restart web t=2'], 'the third restart within the window is held back');
    assert.equal(log.of('web', 'action').at(-1)?.fields['outcome'], 'backoff');
  });
});

describe('the host before the containers', () => {
  function fleet(
    names: string[],
    extra: Partial<WatchdogOptions> = {},
  ): { dog: Watchdog; feed: (ip: string, lost: boolean) => void; ips: Map<string, string>; changes: string[] } {
    let sink: ProbeSink | null = null;
    const continuous = {
      settings: { delta: 10, falseRate: 0.01, missRate: 0.01, fastRatePerSecond: 24 },
      prober: (s: ProbeSink) => {
        sink = s;
        return { setTargets: () => undefined, close: () => undefined };
      },
    };
    const infos = new Map<string, ContainerInfo>();
    const ips = new Map<string, string>();
    for (const name of names) {
      const info = runtime.add(name);
      infos.set(name, info);
      ips.set(name, info.ip ?? '');
    }
    const dog = new Watchdog(
      {
        runtime,
        prober,
        store,
        clock,
        log,
        continuous,
        inventory: {
          lookup: (name) => infos.get(name),
          remember: () => undefined,
          load: async () => undefined,
          list: () => runtime.list(),
        },
      },
      { ...options, ...extra },
      { monitored: names.filter((n) => n !== 'canary'), threshold: 60 },
    );
    const changes: string[] = [];
    dog.hostGuard.onChange(({ kind, change }) => kind === 'host-network' && changes.push(change.to));
    return { dog, feed: (ip, lost) => sink?.outcome({ ip, lost, rttMs: lost ? null : 0.1 }), ips, changes };
  }

  /** Every named container answers once, then loses `n` probes in turns (a path broken for all at once). */
  function loseTogether(f: ReturnType<typeof fleet>, names: string[], n: number): void {
    for (const name of names) f.feed(f.ips.get(name) ?? '', false);
    for (let i = 0; i < n; i++) for (const name of names) f.feed(f.ips.get(name) ?? '', true);
  }

  it('when most containers turn lossy together (no path canary), restarts none, says so once, and still starts one that is down', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const f = fleet(names);
    runtime.add('down', { running: false, status: 'exited', ip: null });
    await f.dog.setMonitored('down', true);
    await f.dog.runCycle();
    assert.deepEqual(runtime.calls, ['start down'], 'the down container is started');
    runtime.calls.length = 0;
    loseTogether(f, names, 40);
    await settleUntil('the path judged broken', () => f.changes.length > 0);
    assert.deepEqual(runtime.calls, [], 'no loss restart while the path looks broken');
    assert.deepEqual(f.changes, ['broken']);
    assert.equal(f.dog.hostGuard.pathBroken, true);
    assert.equal(log.lines.filter((e) => e.fields['outcome'] === 'held').length, names.length, 'each held restart said once');
    // The path heals: every container answers again; after HOST_FAULT_RECOVER_MS the path is whole.
    clock.advance(6000);
    await f.dog.runCycle();
    for (let i = 0; i < 30; i++) for (const name of names) f.feed(f.ips.get(name) ?? '', false);
    clock.advance(11_000);
    await f.dog.runCycle();
    assert.deepEqual(f.changes, ['broken', 'ok']);
    assert.deepEqual(runtime.calls, [], 'nothing restarted afterwards either');
  });

  it('one lossy container among many is its own problem: restarted', async () => {
    const f = fleet(['a', 'b', 'c', 'd', 'e', 'f']);
    await f.dog.runCycle();
    loseTogether(f, ['a'], 40);
    await settle();
    assert.deepEqual(runtime.calls, ['restart a t=2']);
    assert.deepEqual(f.changes, []);
  });

  it('with a path canary that answers, containers lossy together are restarted (paced), not held', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const f = fleet([...names, 'canary'], { pathCanary: 'canary', restartConcurrency: 2 });
    await f.dog.runCycle();
    f.feed(f.ips.get('canary') ?? '', false);
    loseTogether(f, names, 40);
    await settle();
    assert.deepEqual(
      runtime.calls.sort(),
      names.map((n) => `restart ${n} t=2`),
    );
    assert.deepEqual(f.changes, []);
  });

  it("past the host's restart budget, loss restarts pause (said once) while a down container is still started", async () => {
    const names = ['a', 'b', 'c'];
    const f = fleet([...names, 'canary'], { pathCanary: 'canary', hostRestartLimit: 2 });
    const paused: string[] = [];
    f.dog.hostGuard.onChange(({ kind, change }) => kind === 'host-budget' && paused.push(change.to));
    await f.dog.runCycle();
    f.feed(f.ips.get('canary') ?? '', false);
    for (const name of names) loseTogether(f, [name], 40);
    await settle();
    assert.deepEqual(runtime.calls, ['restart a t=2', 'restart b t=2']);
    assert.deepEqual(paused, ['paused']);
    runtime.kill('a');
    await f.dog.runCycle();
    assert.deepEqual(runtime.calls.slice(2), ['start a'], 'a start is not a loss restart: never paused');
  });

  it('with a path canary that loses too, a lossy container is held', async () => {
    const f = fleet(['a', 'b', 'canary'], { pathCanary: 'canary' });
    await f.dog.runCycle();
    loseTogether(f, ['canary', 'a'], 40);
    await settleUntil('the path judged broken', () => f.changes.length > 0);
    assert.deepEqual(runtime.calls, [], 'the canary is never healed, and a is held');
    assert.deepEqual(f.changes, ['broken']);
  });
});

describe("the host's budget of loss restarts", () => {
  it('pauses loss restarts past HOST_RESTART_LIMIT in the window, once, and resumes when the window has room', async () => {
    const { HostRestartBudget } = await import('../../agent/judging/host-path.js');
    const budget = new HostRestartBudget(3, 60_000);
    const at = (t: number) => budget.admit(t);
    assert.deepEqual(
      [at(0), at(1), at(2)].map((r) => r.admitted),
      [true, true, true],
    );
    assert.deepEqual(at(3), { admitted: false, change: { to: 'paused', restarts: 3 } });
    assert.deepEqual(at(4), { admitted: false, change: null }, 'said once');
    assert.equal(budget.paused, true);
    assert.deepEqual(at(60_001), { admitted: true, change: { to: 'resumed', pausedForMs: 59_998 } });
  });
});
