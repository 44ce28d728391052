/**
 * What the watchdog measures, as an operator reads it from GET /containers and as Prometheus
 * scrapes it from /metrics: the loss and round-trip time of the last probe, CPU, memory and
 * network from the engine's host, and its own heals (restarts in 24 h, the last one with its
 * reason). Real engine, broker, agent and control; the exposition is checked by promtool.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, dropOutgoing, engine, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor } from '../../lab/wait.js';
import type { Container } from '../../api/contract.generated.js';

const hostname = `measure-${runId}`;
const name = uniqueName('measured');
const docker = engine();
let control: ControlProcess;
let agent: AgentProcess;

let metricsUrl: string;

const listed = async (): Promise<Container | undefined> =>
  (await http<Container[]>('GET', `${control.url}/containers`)).body.find((c) => c.hostname === hostname && c.name === name);

before(async () => {
  // A container busy on the CPU, so its CPU share is clearly above zero.
  await createTarget(name, { cmd: ['sh', '-c', 'trap "exit 0" TERM; while :; do :; done'] });
  control = await startControl();
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(hostname),
    AGENT_HOSTNAME: hostname,
    MONITORED: name,
    CHECK_INTERVAL_MS: '1000',
    LOSS_THRESHOLD: '60',
    METRICS_PORT: '0',
    VERDICT: 'classic',
  });
  metricsUrl = await agent
    .waitForLog('the metrics endpoint', (e) => typeof e['metricsPort'] === 'number')
    .then((e) => `http://localhost:${String(e['metricsPort'])}/metrics`);
  await waitFor('the agent to be live', async () => (await listed()) !== undefined, 20_000, 100);
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  await deleteAgentQueues([hostname]);
  await removeRunContainers(docker);
});

it('GET /containers shows loss, round-trip time, CPU, memory and network of a monitored container', async () => {
  const measured = await waitFor(
    'two samples of it',
    async () => {
      const c = await listed();
      return c?.cpuPercent !== undefined && c.lossPercent !== undefined ? c : undefined;
    },
    10_000,
    200,
  );
  assert.equal(measured.lossPercent, 0);
  assert.ok(
    (measured.rttMs ?? 0) > 0 && (measured.rttMinMs ?? 0) <= (measured.rttMs ?? 0) && (measured.rttMs ?? 0) <= (measured.rttMaxMs ?? 0),
    JSON.stringify(measured),
  );
  assert.ok((measured.cpuPercent ?? 0) > 30, `a busy loop uses most of a core: ${measured.cpuPercent}`);
  assert.ok((measured.memoryBytes ?? 0) > 0);
  assert.ok((measured.networkRxBytes ?? 0) > 0, 'the probes arrived');
  assert.ok(Date.parse(measured.checkedAt ?? '') > Date.now() - 10_000);
  assert.equal(measured.restarts, 0);
});

it('injected loss shows in GET /containers within one cycle', async () => {
  // Exactly every fifth reply dropped: 20 % loss, under the threshold, so nothing restarts it.
  await dropOutgoing(name, ['-p', 'icmp', '-m', 'statistic', '--mode', 'nth', '--every', '5', '--packet', '0']);
  const injectedAt = Date.now();
  const lossy = await waitFor(
    '20 % loss to be listed',
    async () => {
      const c = await listed();
      return c?.lossPercent === 20 ? c : undefined;
    },
    5_000,
    100,
  );
  assert.ok(Date.parse(lossy.checkedAt ?? '') >= injectedAt - 1000);
  assert.ok(Date.now() - injectedAt < 1000 + 2500, 'within one cycle (1 s) plus a probe');
  assert.equal(sample(await scrape(metricsUrl), 'watchdog_container_packet_loss_ratio', ours), 0.2, 'and in /metrics');
});

it('a heal shows as a restart in 24 h and as the last heal, with its reason', async () => {
  await docker.getContainer(name).kill();
  const healed = await waitFor(
    'the heal to be listed',
    async () => {
      const c = await listed();
      return c?.lastHeal !== undefined ? c : undefined;
    },
    10_000,
    100,
  );
  assert.equal(healed.restarts, 1);
  assert.equal(healed.lastHeal?.action, 'start');
  assert.equal(healed.lastHeal?.outcome, 'ok');
  assert.match(healed.lastHeal?.reason ?? '', /container is exited/);
  const text = await scrape(metricsUrl);
  assert.equal(sample(text, 'watchdog_heals_total', { ...ours, action: 'start', trigger: 'event', outcome: 'ok' }), 1, text);
  assert.equal(sample(text, 'watchdog_heal_duration_seconds_count', { host: hostname, action: 'start' }), 1);
  assert.equal(sample(text, 'watchdog_container_restarts_24h', ours), 1);
  // The agent keeps each container's counter files open; the killed instance's cgroup is gone, so
  // the new instance's files must be found afresh: a few cycles later its busy loop is measured
  // again (the first sample of a new instance has no CPU share: its counter starts over).
  const healedAt = Date.parse(healed.lastHeal?.at ?? '');
  const cyclesSinceHeal = (): number => agent.log().filter((e) => e.kind === 'cycle' && Date.parse(e.time) > healedAt + 100).length;
  await waitFor(
    'the new instance to be measured',
    async () => cyclesSinceHeal() >= 3 && ((await listed())?.cpuPercent ?? 0) > 30,
    15_000,
    200,
  );
  assert.deepEqual(
    agent
      .log()
      .filter((e) => e.kind === 'stats')
      .map((e) => e.message),
    [],
    'every sample read',
  );
});

/** One sample of a metric with exactly these labels, from the text exposition. */
function sample(text: string, metric: string, labels: Record<string, string>): number | undefined {
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)\{([^}]*)\} (\S+)$/.exec(line);
    if (match?.[1] === metric && wanted.every((w) => match[2]?.split(',').includes(w))) return Number(match[3]);
  }
  return undefined;
}

const scrape = async (url: string): Promise<string> => (await fetch(url)).text();
const ours = { host: hostname, name };

it('/metrics shows the same container: loss, round-trip time, CPU, memory and network under their cAdvisor names', async () => {
  const text = await scrape(metricsUrl);
  assert.ok((sample(text, 'container_cpu_usage_seconds_total', ours) ?? 0) > 0, text);
  assert.ok((sample(text, 'container_memory_working_set_bytes', ours) ?? 0) > 0);
  assert.ok((sample(text, 'container_network_receive_bytes_total', ours) ?? 0) > 0);
  assert.ok(sample(text, 'container_network_transmit_bytes_total', ours) !== undefined);
  assert.ok((sample(text, 'watchdog_container_rtt_seconds', ours) ?? 0) > 0);
  assert.equal(sample(text, 'watchdog_loss_threshold_ratio', { host: hostname }), 0.6);
  assert.equal(sample(text, 'watchdog_bus_connected', { host: hostname }), 1);
  assert.equal(sample(text, 'watchdog_container_backoff', ours), 0);
  assert.match(text, /^watchdog_cycle_duration_seconds_count\{host="[^"]+"\} [1-9]/m);
  assert.match(text, /^process_resident_memory_bytes \d+/m, 'the default process metrics');
});

/**
 * node_exporter's own names for memory (node_memory_MemTotal_bytes, node_memory_MemAvailable_bytes)
 * keep /proc/meminfo's field names, which promtool calls camelCase: kept on purpose (queries and
 * dashboards written for node_exporter use them), and the only faults allowed.
 */
const NODE_EXPORTER_NAMES = /^node_memory_Mem(Total|Available)_bytes metric names should be written in 'snake_case' not 'camelCase'$/;

it("promtool finds nothing to fault in the agent's or control's exposition (but node_exporter's own memory names)", async () => {
  for (const url of [metricsUrl, `${control.url}/metrics`]) {
    const text = await scrape(url);
    const child = promisify(execFile)('promtool', ['check', 'metrics']);
    child.child.stdin?.end(text);
    const said = await child.then(
      ({ stdout, stderr }) => `${stdout}${stderr}`,
      (error: { stdout: string; stderr: string }) => `${error.stdout}${error.stderr}`,
    );
    const faults = said
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line !== '' && !NODE_EXPORTER_NAMES.test(line));
    assert.deepEqual(faults, [], url);
  }
  assert.match(
    await scrape(metricsUrl),
    /^node_memory_MemAvailable_bytes\{host="[^"]+"\} \d+/m,
    "the host's memory under node_exporter's name",
  );
  assert.match(await scrape(`${control.url}/metrics`), /^watchdog_http_requests_total\{operation="listContainers",code="200"\} [1-9]/m);
});
