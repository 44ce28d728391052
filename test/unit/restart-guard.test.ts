import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RestartGuard } from '../../agent/restart-guard.js';

const policy = { maxRestarts: 3, windowMs: 10_000, baseBackoffMs: 1_000, maxBackoffMs: 3_000 };

function admitMany(guard: RestartGuard, times: number, at: number): boolean[] {
  return Array.from({ length: times }, () => guard.admit('web', at).admitted);
}

describe('RestartGuard', () => {
  it('admits up to the limit within the window, then backs off', () => {
    const guard = new RestartGuard(policy);
    assert.deepEqual(admitMany(guard, 3, 0), [true, true, true]);
    const refused = guard.admit('web', 100);
    assert.deepEqual(refused, { admitted: false, until: 1_100, enteredBackoff: true, backoffMs: 1_000 });
    assert.equal(guard.backoffUntil('web', 500), 1_100);
  });

  it('keeps refusing during the backoff without extending it', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 4, 0);
    assert.deepEqual(guard.admit('web', 900), { admitted: false, until: 1_000, enteredBackoff: false, backoffMs: 100 });
  });

  it('admits again when the backoff is over (recovery)', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 4, 0);
    assert.equal(guard.backoffUntil('web', 1_000), null);
    assert.equal(guard.admit('web', 1_000).admitted, true);
  });

  it('doubles the backoff each time the container storms again, up to the cap', () => {
    const guard = new RestartGuard(policy);
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
    assert.deepEqual(backoffs, [1_000, 2_000, 3_000, 3_000]);
  });

  it('forgets old restarts outside the window', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 3, 0);
    assert.equal(guard.admit('web', 10_001).admitted, true);
  });

  it('starts again from the first backoff step after a quiet window', () => {
    const guard = new RestartGuard(policy);
    admitMany(guard, 4, 0); // backoff 1 s
    admitMany(guard, 4, 1_000); // backoff 2 s, until 3 s
    admitMany(guard, 3, 20_000); // quiet since 1 s: level reset
    const refused = guard.admit('web', 20_000);
    assert.equal(!refused.admitted && refused.backoffMs, 1_000);
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
