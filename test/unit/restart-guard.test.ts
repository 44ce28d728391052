import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartGuard } from '../../agent/healing/restart-guard.js';

const policy = { maxRestarts: 3, windowMs: 10_000, baseBackoffMs: 1_000, maxBackoffMs: 3_000 };

function admitMany(guard: RestartGuard, times: number, at: number): boolean[] {
  return Array.from({ length: times }, () => guard.admit('web', at).admitted);
}

describe('RestartGuard', () => {
  it('admits up to the limit within the window, then backs off', () => {
    const guard = new RestartGuard(policy);
    assert.deepEqual(admitMany(guard, 3, 0), [true, true, true]);
    const refused = guard.admit('web', 100);
    // The backoff (1 s) ends before the window has room (the first restart leaves it at 10 s): the later wins.
    assert.deepEqual(refused, { admitted: false, until: 10_000, enteredBackoff: true, backoffMs: 9_900 });
    assert.equal(guard.backoffUntil('web', 500), 10_000);
  });

  it('keeps refusing during the backoff without extending it', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 4, 0);
    assert.deepEqual(guard.admit('web', 900), { admitted: false, until: 10_000, enteredBackoff: false, backoffMs: 9_100 });
  });

  it('admits again when the backoff is over and the window has room (recovery)', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 4, 0);
    assert.equal(guard.backoffUntil('web', 9_999), 10_000);
    assert.equal(guard.backoffUntil('web', 10_000), null);
    assert.equal(guard.admit('web', 10_000).admitted, true);
  });

  /** Backoffs longer than the window: they, not the window, decide. */
  const slow = { maxRestarts: 3, windowMs: 10_000, baseBackoffMs: 20_000, maxBackoffMs: 60_000 };

  it('doubles the backoff each time the container storms again, up to the cap', () => {
    const guard = new RestartGuard(slow);
    const backoffs: number[] = [];
    let now = 0;
    for (let round = 0; round < 4; round++) {
      admitMany(guard, 3, now);
      const refused = guard.admit('web', now);
      assert.equal(refused.admitted, false);
      if (!refused.admitted) {
        backoffs.push(refused.backoffMs);
        now = refused.until;
      }
    }
    assert.deepEqual(backoffs, [20_000, 40_000, 60_000, 60_000]);
  });

  it('forgets old restarts outside the window', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 3, 0);
    assert.equal(guard.admit('web', 10_001).admitted, true);
  });

  it('starts again from the first backoff step after a quiet window that follows the backoff', () => {
    const guard = new RestartGuard(slow);
    admitMany(guard, 4, 0); // backoff 20 s
    admitMany(guard, 4, 20_000); // backoff 40 s, until 60 s
    admitMany(guard, 3, 65_000); // 5 s after the backoff: not a whole quiet window (10 s), no reset
    assert.equal(((r) => !r.admitted && r.backoffMs)(guard.admit('web', 65_000)), 60_000);
    const fresh = new RestartGuard(slow);
    admitMany(fresh, 4, 0); // backoff 20 s, until 20 s
    admitMany(fresh, 3, 30_000); // quiet for a window after the backoff: level reset
    assert.equal(((r) => !r.admitted && r.backoffMs)(fresh.admit('web', 30_000)), 20_000);
  });

  it('never admits more than the limit in any window, whatever the times, backoffs and restarts of the agent (property)', () => {
    for (let trial = 0; trial < 300; trial++) {
      const p = {
        maxRestarts: 1 + Math.floor(Math.random() * 5),
        windowMs: 1_000 + Math.floor(Math.random() * 60_000),
        baseBackoffMs: 100 + Math.floor(Math.random() * 20_000),
        maxBackoffMs: 100_000,
      };
      let guard = new RestartGuard(p);
      const admitted: number[] = [];
      let now = 0;
      for (let step = 0; step < 200; step++) {
        now += Math.floor(Math.random() * 3_000);
        if (Math.random() < 0.05) guard = new RestartGuard(p, guard.saved(now)); // the agent killed and started again
        if (guard.admit('web', now).admitted) admitted.push(now);
      }
      for (const at of admitted) {
        const inWindow = admitted.filter((t) => t > at - p.windowMs && t <= at).length;
        assert.ok(
          inWindow <= p.maxRestarts,
          `${inWindow} restarts in the window ending ${at} (limit ${p.maxRestarts}, policy ${JSON.stringify(p)})`,
        );
      }
    }
  });

  it('a restart taken back (it did nothing) does not count', () => {
    const guard = new RestartGuard(policy);
    assert.deepEqual(admitMany(guard, 3, 0), [true, true, true]);
    guard.undo('web', 0);
    assert.equal(guard.admit('web', 1).admitted, true, 'the third is free again');
    assert.equal(guard.admit('web', 2).admitted, false);
  });

  it('counts each container separately', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 4, 0);
    assert.equal(guard.admit('db', 0).admitted, true);
  });
});
