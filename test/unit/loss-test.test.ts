/**
 * The sequential loss verdict against seeded random loss: its error rates stay within what the
 * operator set, over many simulated runs. Deterministic (seeded), and fast enough for every run.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTest, lossTestBounds, observe, wilson, type LossTestBounds } from '../../agent/judging/loss-test.js';
import { seeded } from '../support/seeded.js';

const RATE = 20;
const bounds = lossTestBounds({ threshold: 60, delta: 10, falseRate: 0.01, missRate: 0.01, fastRatePerSecond: RATE });

/** Probes a container losing `loss` of its probes for up to `probes`; the probe index of the first "lossy" verdict, or null. */
function firstRestart(b: LossTestBounds, loss: number, probes: number, random: () => number): number | null {
  let state = freshTest(0);
  for (let i = 1; i <= probes; i++) {
    const result = observe(b, state, random() < loss, i);
    if (result.decision === 'lossy') return i;
    state = result.state;
  }
  return null;
}

describe('the sequential loss verdict (threshold 60 %, delta 10, alpha = beta = 1 %)', () => {
  it('restarts a container at threshold - delta (50 %) within an hour of fast probing in at most about 1 % of runs', () => {
    const random = seeded(1);
    const runs = 300;
    const hour = RATE * 3600;
    let restarted = 0;
    for (let r = 0; r < runs; r++) if (firstRestart(bounds, 0.5, hour, random) !== null) restarted += 1;
    // Expected at most 3 (1 %); 8 would be beyond what chance gives at 1 % (Poisson tail < 0.5 %).
    assert.ok(restarted <= 8, `${restarted} of ${runs} restarted within an hour`);
  });

  it('never restarts a container that loses nothing, and rarely one at 30 %', () => {
    const random = seeded(2);
    for (let r = 0; r < 50; r++) assert.equal(firstRestart(bounds, 0, RATE * 3600, random), null);
    let restarted = 0;
    for (let r = 0; r < 100; r++) if (firstRestart(bounds, 0.3, RATE * 3600, random) !== null) restarted += 1;
    assert.equal(restarted, 0);
  });

  it('ends "lossy" at threshold + delta (70 %) in at least 99 % of single tests', () => {
    const random = seeded(3);
    let missed = 0;
    const tests = 3000;
    for (let t = 0; t < tests; t++) {
      let state = freshTest(0);
      for (;;) {
        const result = observe(bounds, state, random() < 0.7, 0);
        if (result.decision !== 'undecided') {
          if (result.decision === 'ok') missed += 1;
          break;
        }
        state = result.state;
      }
    }
    assert.ok(missed / tests <= 0.015, `${missed} of ${tests} tests missed`);
  });

  it('restarts at 70 % within 30 s of fast probing in at least 99 % of runs, and faster the higher the loss', () => {
    const random = seeded(4);
    for (const [loss, within] of [
      [0.7, 30],
      [0.9, 5],
    ] as const) {
      const delays = Array.from({ length: 500 }, () => firstRestart(bounds, loss, RATE * 600, random) ?? Infinity).sort((a, b) => a - b);
      const p99 = (delays[Math.ceil(0.99 * delays.length) - 1] ?? Infinity) / RATE;
      assert.ok(p99 <= within, `${loss * 100} %: p99 ${p99.toFixed(1)} s to restart`);
    }
  });

  it('judges total silence by its own rule, in silenceRun probes (about a second at the fast rate)', () => {
    assert.ok(bounds.silenceRun / RATE <= 1.2, `${bounds.silenceRun} probes`);
    let state = freshTest(1000);
    for (let i = 1; i < bounds.silenceRun; i++) {
      const result = observe(bounds, state, true, 1000 + i * 50);
      assert.equal(result.decision, 'undecided');
      state = result.state;
    }
    const last = observe(bounds, state, true, 1000 + bounds.silenceRun * 50);
    assert.equal(last.decision, 'lossy');
    assert.deepEqual(last.decision === 'lossy' && last.explanation, {
      rule: 'silence',
      lossPercent: 100,
      low: round(wilson(bounds.silenceRun, bounds.silenceRun).low * 100),
      high: 100,
      probes: bounds.silenceRun,
      decidedInMs: (bounds.silenceRun - 1) * 50,
      gaps: 0,
    });
  });

  it('explains an "ok" verdict with its estimate, interval, probes and time', () => {
    let state = freshTest(0);
    let i = 0;
    for (;;) {
      i += 1;
      const result = observe(bounds, state, false, i * 250);
      if (result.decision !== 'undecided') {
        assert.equal(result.decision, 'ok');
        assert.deepEqual(result.explanation, {
          rule: 'sequential',
          lossPercent: 0,
          low: 0,
          high: round(wilson(0, i).high * 100),
          probes: i,
          decidedInMs: i * 250,
          gaps: 0,
        });
        assert.equal(i, Math.ceil(bounds.lower / bounds.replyStep), 'every reply moves it toward "ok" by the same step');
        break;
      }
      state = result.state;
    }
  });
});

const round = (x: number): number => Math.round(x * 10) / 10;

describe('the edges of the threshold', () => {
  it('never restarts at threshold 100 % (no loss is over it), and tests any other threshold, 90 % included', () => {
    const never = lossTestBounds({ threshold: 100, delta: 10, falseRate: 0.01, missRate: 0.01, fastRatePerSecond: RATE });
    assert.equal(firstRestart(never, 1, RATE * 600, seeded(5)), null);
    const high = lossTestBounds({ threshold: 90, delta: 10, falseRate: 0.01, missRate: 0.01, fastRatePerSecond: RATE });
    assert.ok((firstRestart(high, 1, RATE * 60, seeded(6)) ?? Infinity) <= high.silenceRun);
    assert.equal(firstRestart(high, 0.5, RATE * 600, seeded(7)), null);
  });
});

describe('wilson', () => {
  it('brackets the estimate, narrows with more probes', () => {
    const few = wilson(5, 10);
    const many = wilson(500, 1000);
    assert.ok(few.low < 0.5 && few.high > 0.5 && many.high - many.low < few.high - few.low);
    assert.deepEqual(wilson(0, 0), { low: 0, high: 1 });
  });
});
