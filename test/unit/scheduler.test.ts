import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Scheduler } from '../../agent/scheduler.js';
import { FakeClock, settle } from '../support/fakes.js';

describe('Scheduler', () => {
  it('runs at once, then every interval from start to start', async () => {
    const clock = new FakeClock();
    const starts: number[] = [];
    let finish = (): void => undefined;
    const scheduler = new Scheduler(
      clock,
      1000,
      async () => {
        const startedAt = clock.now();
        starts.push(startedAt);
        await new Promise<void>((resolve) => (finish = resolve));
        return { durationMs: clock.now() - startedAt };
      },
      () => undefined,
    );
    const t0 = clock.now();
    scheduler.start();
    for (let i = 0; i < 3; i++) {
      clock.advance(i === 0 ? 0 : 700); // the next run is due
      await settle();
      clock.advance(300); // each run takes 300 ms
      finish();
      await settle();
    }
    assert.deepEqual(
      starts.map((t) => t - t0),
      [0, 1000, 2000],
    );
    await scheduler.stop();
  });

  it('a call during a run joins it: runs never overlap', async () => {
    const clock = new FakeClock();
    let runs = 0;
    let finish!: () => void;
    const scheduler = new Scheduler(
      clock,
      1000,
      async () => {
        runs += 1;
        await new Promise<void>((resolve) => (finish = resolve));
        return { durationMs: 0 };
      },
      () => undefined,
    );
    const first = scheduler.run();
    const second = scheduler.run();
    assert.equal(first, second);
    finish();
    await first;
    assert.equal(runs, 1);
  });

  it('after a failed run, reports it and tries again a whole interval later', async () => {
    const clock = new FakeClock();
    const failures: unknown[] = [];
    let calls = 0;
    const scheduler = new Scheduler(
      clock,
      1000,
      async () => {
        calls += 1;
        throw new Error('engine gone');
      },
      (error) => failures.push(error),
    );
    scheduler.start();
    clock.advance(0);
    await settle();
    assert.equal(failures.length, 1);
    clock.advance(999);
    await settle();
    assert.equal(calls, 1);
    clock.advance(1);
    await settle();
    assert.equal(calls, 2);
    await scheduler.stop();
    clock.advance(5000);
    await settle();
    assert.equal(calls, 2, 'nothing runs after stop');
  });
});
