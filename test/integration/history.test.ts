/**
 * History from a real Prometheus (Debian's package): it scrapes a real agent, and GET /history
 * answers series of the agent's container without the caller writing PromQL. Bad windows are a
 * 400 naming the rule; control without PROMETHEUS_URL answers 503 saying how to enable it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { startPrometheus, type PrometheusProcess } from '../../lab/prometheus-process.js';
import { waitFor } from '../../lab/wait.js';
import type { ErrorBody, History } from '../../api/contract.generated.js';

const hostname = `history-${runId}`;
const name = uniqueName('charted');
let control: ControlProcess;
let agent: AgentProcess;
let prometheus: PrometheusProcess;

before(async () => {
  await createTarget(name);
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(hostname),
    AGENT_HOSTNAME: hostname,
    MONITORED: name,
    CHECK_INTERVAL_MS: '1000',
    METRICS_PORT: '0',
  });
  const metricsPort = (await agent.waitForLog('the metrics endpoint', (e) => typeof e['metricsPort'] === 'number'))[
    'metricsPort'
  ] as number;
  prometheus = await startPrometheus({ agent: [`127.0.0.1:${metricsPort}`] });
  control = await startControl({ PROMETHEUS_URL: prometheus.url });
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  await prometheus?.stop();
  await deleteAgentQueues([hostname]);
  await removeRunContainers(engine());
});

it('Prometheus scrapes the agent and GET /history returns the series of its container', async () => {
  const url = `${control.url}/history?metric=rtt&host=${hostname}&container=${name}&range=5m&step=1`;
  const history = await waitFor(
    'three points of round-trip time',
    async () => {
      const { status, body } = await http<History>('GET', url);
      assert.equal(status, 200, JSON.stringify(body));
      return (body.series[0]?.points.length ?? 0) >= 3 ? body : undefined;
    },
    20_000,
    500,
  );
  assert.equal(history.unit, 'ms');
  assert.equal(history.stepSeconds, 1);
  assert.deepEqual(
    history.series.map((s) => [s.host, s.name]),
    [[hostname, name]],
  );
  for (const [t = 0, v = -1] of history.series[0]?.points ?? []) {
    assert.ok(t > Date.now() - 5 * 60_000 && t <= Date.now() + 1000);
    assert.ok(v > 0 && v < 1000, `a round-trip time in ms: ${v}`);
  }

  const memory = await http<History>('GET', `${control.url}/history?metric=memory&container=${name}&range=5m`);
  assert.ok((memory.body.series[0]?.points.at(-1)?.[1] ?? 0) > 0, 'memory in bytes');
  const cpu = await waitFor(
    'a CPU rate (two scrapes at least)',
    async () => (await http<History>('GET', `${control.url}/history?metric=cpu&host=${hostname}&range=5m&step=1`)).body.series[0],
    20_000,
    500,
  );
  assert.ok(cpu.points.every(([, v = -1]) => v >= 0));
});

it('bad windows and metrics are a 400 naming the rule; nothing is asked of Prometheus', async () => {
  const cases: [string, RegExp][] = [
    ['metric=temperature', /metric: must be equal to one of the allowed values/],
    ['metric=loss&from=2026-11-25T11:00:00Z&to=2026-11-25T10:00:00Z', /from: must be before to/],
    ['metric=loss&from=yesterday', /from: must be a date-time such as/],
    ['metric=loss&range=30d', /range: the window must be at most 8 days/],
    ['metric=loss&range=7d&step=1', /step: gives more than 11000 points/],
    ['metric=loss&host=h1;drop', /host: must match pattern/],
    ['range=1h', /metric: must have required property 'metric'|metric/],
  ];
  for (const [query, rule] of cases) {
    const { status, body } = await http<ErrorBody>('GET', `${control.url}/history?${query}`);
    assert.equal(status, 400, query);
    assert.match(body.message, rule, query);
  }
});

it('without PROMETHEUS_URL, GET /history is a 503 that says how to enable it', async () => {
  const bare = await startControl();
  try {
    const { status, body } = await http<ErrorBody>('GET', `${bare.url}/history?metric=loss`);
    assert.equal(status, 503);
    assert.equal(body.error, 'history_unavailable');
    assert.match(body.message, /PROMETHEUS_URL=/);
  } finally {
    await bare.stop();
  }
});

it("the documented PromQL queries (docs/measurements.md) run on Prometheus and find the agent's series", async () => {
  const readme = readFileSync(new URL('../../docs/measurements.md', import.meta.url), 'utf8');
  const block = /```promql\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
  const queries = block.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('#'));
  assert.equal(queries.length, 3, block);
  for (const query of queries) {
    const response = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query }).toString()}`);
    const body = (await response.json()) as { status: string; error?: string };
    assert.equal(body.status, 'success', `${query}: ${body.error ?? ''}`);
  }
});
