import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { historyWindow, promql, toHistory } from '../../control/history.js';
import { Observations } from '../../control/observations.js';

const now = Date.parse('2026-11-25T12:00:00Z');
const rule = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return `${(error as { status?: number }).status} ${(error as Error).message}`;
  }
  return 'no error';
};

describe('historyWindow', () => {
  it('is the last hour by default, with about 240 points but never finer than the 5 s scrape', () => {
    assert.deepEqual(historyWindow({ metric: 'loss' }, now), { fromMs: now - 3600_000, toMs: now, stepSeconds: 15 });
    assert.equal(historyWindow({ metric: 'loss', range: '15m' }, now).stepSeconds, 5);
    assert.equal(historyWindow({ metric: 'loss', range: '7d' }, now).stepSeconds, 2520);
  });
  it('takes from..to and an explicit step', () => {
    assert.deepEqual(historyWindow({ metric: 'cpu', from: '2026-11-25T10:00:00Z', to: '2026-11-25T11:00:00Z', step: 60 }, now), {
      fromMs: now - 2 * 3600_000,
      toMs: now - 3600_000,
      stepSeconds: 60,
    });
  });
  it('refuses an inverted or empty window, a window over 8 days, from with range, and too many points, naming the rule', () => {
    assert.equal(
      rule(() => historyWindow({ metric: 'loss', from: '2026-11-25T11:00:00Z', to: '2026-11-25T10:00:00Z' }, now)),
      '400 from: must be before to',
    );
    assert.match(
      rule(() => historyWindow({ metric: 'loss', range: '9d' }, now)),
      /^400 range: the window must be at most 8 days/,
    );
    assert.match(
      rule(() => historyWindow({ metric: 'loss', from: '2026-11-25T11:00:00Z', range: '1h' }, now)),
      /^400 range: cannot be given with from/,
    );
    assert.match(
      rule(() => historyWindow({ metric: 'loss', range: '7d', step: 1 }, now)),
      /^400 step: gives more than 11000 points in this window; use at least 55/,
    );
  });
});

describe('promql', () => {
  it('selects by host and container name, in the unit the API answers in', () => {
    assert.equal(promql('loss', { host: 'h1', container: 'web' }, 15), 'watchdog_container_packet_loss_ratio{host="h1",name="web"} * 100');
    assert.equal(promql('memory', {}, 15), 'container_memory_working_set_bytes{}');
    assert.equal(promql('cpu', { host: 'h1' }, 60), 'rate(container_cpu_usage_seconds_total{host="h1"}[60s]) * 100');
    assert.equal(promql('networkRx', {}, 5), 'rate(container_network_receive_bytes_total{}[20s])', 'at least four scrapes for rate()');
  });
});

describe('toHistory', () => {
  it('turns the matrix into series per container, in ms and numbers, sorted, without NaN or empty series', () => {
    const history = toHistory('loss', { fromMs: 0, toMs: 10_000, stepSeconds: 5 }, [
      {
        metric: { host: 'h2', name: 'a' },
        values: [
          [5, '20'],
          [10, 'NaN'],
        ],
      },
      { metric: { host: 'h1', name: 'b' }, values: [[5, '0']] },
      { metric: { host: 'h1', name: 'c' }, values: [[5, 'NaN']] },
    ]);
    assert.deepEqual(history.series, [
      { host: 'h1', name: 'b', points: [[5000, 0]] },
      { host: 'h2', name: 'a', points: [[5000, 20]] },
    ]);
    assert.equal(history.unit, '%');
    assert.equal(history.from, '1970-01-01T00:00:00.000Z');
  });
});

describe('Observations.history without Prometheus', () => {
  it('is a 503 that says how to enable it', async () => {
    const service = new Observations(null, null);
    await assert.rejects(
      service.history({ metric: 'loss' }),
      (e: Error & { status?: number; code?: string }) =>
        e.status === 503 && e.code === 'history_unavailable' && /PROMETHEUS_URL=/.test(e.message),
    );
  });
});
