import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFping } from '../../agent/probing/fping-prober.js';
import { mapWithConcurrency } from '../../agent/concurrency.js';

describe('parseFping', () => {
  it('turns per-ping reply times into loss and the round-trip time (mean, min, max)', () => {
    const output = ['172.17.0.2 : 0.356 0.067 0.059 0.055 0.074', '10.99.99.99 : - - - - -', '172.17.0.3  : 0.05 - 0.05 - 0.05', ''].join(
      '\n',
    );
    const results = parseFping(output, 5);
    assert.deepEqual(results.get('172.17.0.2'), { sent: 5, received: 5, lossPercent: 0, rttMs: 0.122, rttMinMs: 0.055, rttMaxMs: 0.356 });
    assert.deepEqual(results.get('10.99.99.99'), { sent: 5, received: 0, lossPercent: 100, rttMs: null, rttMinMs: null, rttMaxMs: null });
    assert.deepEqual(results.get('172.17.0.3'), { sent: 5, received: 3, lossPercent: 40, rttMs: 0.05, rttMinMs: 0.05, rttMaxMs: 0.05 });
  });

  it('ignores lines that are not per-address results', () => {
    assert.equal(parseFping('fping: some warning\n10.0.0.1 : 0.1 0.1\n', 5).size, 0);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps the order and never runs more than the limit at once', async () => {
    let inFlight = 0;
    let most = 0;
    const results = await mapWithConcurrency([5, 1, 4, 2, 3, 6, 7], 3, async (n) => {
      inFlight += 1;
      most = Math.max(most, inFlight);
      await new Promise((resolve) => setTimeout(resolve, n));
      inFlight -= 1;
      return n * 10;
    });
    assert.deepEqual(results, [50, 10, 40, 20, 30, 60, 70]);
    assert.equal(most, 3);
  });
});
