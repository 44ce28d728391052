/**
 * The sequential verdict's prober with the real fping, probing loopback addresses: a target added
 * to a pool of several processes is probed at once, not when the pool's tidy-up comes.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { FpingLoopProber } from '../../agent/probing/fping-loop.js';
import type { ProbeOutcome } from '../../agent/probing/loop-prober.js';
import { waitFor } from '../../lab/wait.js';

describe('fping loop prober (real fping, loopback targets)', () => {
  const outcomes: (ProbeOutcome & { at: number })[] = [];
  const errors: string[] = [];
  const prober = new FpingLoopProber(
    { steadyPeriodMs: 250, fastPeriodMs: 30, timeoutMs: 150, budgetPerSecond: 1000, canary: '127.0.0.1' },
    { outcome: (o) => outcomes.push({ ...o, at: Date.now() }), hint: () => undefined, error: (message) => errors.push(message) },
  );
  after(() => prober.close());
  const answered = (ip: string): number => outcomes.filter((o) => o.ip === ip && !o.lost).length;

  /** When `ip` first answered, ms after `since`. */
  const firstAnswerMs = (ip: string, since: number): number => (outcomes.find((o) => o.ip === ip && !o.lost)?.at ?? Infinity) - since;

  it('probes a target added to a pool of several processes at once, not when the pool tidies up (steady and fast pools)', async () => {
    prober.setTargets(['127.0.0.2'], ['127.0.0.5']);
    await waitFor('the first targets answered', () => answered('127.0.0.2') > 0 && answered('127.0.0.5') > 0, 5000, 20);
    // A second process in each pool for the new addresses.
    prober.setTargets(['127.0.0.2', '127.0.0.3'], ['127.0.0.5', '127.0.0.6']);
    await waitFor('the second targets answered', () => answered('127.0.0.3') > 0 && answered('127.0.0.6') > 0, 5000, 20);
    // Both pools now run two processes, each with its tidy-up up to 10 s away: one new target for each at once.
    const added = Date.now();
    prober.setTargets(['127.0.0.2', '127.0.0.3', '127.0.0.4'], ['127.0.0.5', '127.0.0.6', '127.0.0.7']);
    await waitFor('the added targets answered', () => answered('127.0.0.4') > 0 && answered('127.0.0.7') > 0, 15_000, 20);
    const steady = firstAnswerMs('127.0.0.4', added);
    const fast = firstAnswerMs('127.0.0.7', added);
    assert.ok(
      steady < 1000 && fast < 1000,
      `first answers ${steady} ms (steady) and ${fast} ms (fast) after the target was added: the pool's tidy-up held it back`,
    );
    assert.deepEqual(errors, []);
  });
});
