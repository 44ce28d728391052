import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ResourceHistory } from '../../control/resource-history.js';

const GiB = 1024 ** 3;

it("a host's last hour: one sample per 30 s, the mean of its heartbeats; older ones drop; a value never sent is left out", () => {
  const history = new ResourceHistory();
  const t0 = Date.parse('2026-12-07T10:00:00Z');
  history.add('h1', { cpuPercent: 10, memoryUsedBytes: 1 * GiB, memoryTotalBytes: 4 * GiB }, t0);
  history.add('h1', { cpuPercent: 30, memoryUsedBytes: 3 * GiB, memoryTotalBytes: 4 * GiB }, t0 + 2000);
  history.add('h1', { load1: 1 }, t0 + 31_000);
  assert.deepEqual(history.of('h1', t0 + 31_000), {
    hostname: 'h1',
    stepSeconds: 30,
    samples: [{ at: '2026-12-07T10:00:00.000Z', cpuPercent: 20, memoryPercent: 50 }, { at: '2026-12-07T10:00:30.000Z' }],
  });
  for (let s = 1; s <= 130; s++) history.add('h1', { cpuPercent: s }, t0 + 31_000 + s * 30_000);
  const hour = history.of('h1', t0 + 31_000 + 130 * 30_000)?.samples ?? [];
  assert.equal(hour.length, 120);
  assert.deepEqual([hour[0]?.cpuPercent, hour.at(-1)?.cpuPercent], [11, 130]);
  assert.equal(history.of('h2', t0), null);
});
