/**
 * The compose stack from the images the lab built: it comes up, the agent sees the dummies through
 * the REST API and heals one the test stops, and it goes down again. Own project name, ports and
 * container names, so it never touches a stack started with `npm start`.
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import amqp from 'amqplib';
import { promisify } from 'node:util';
import { readLog } from '../../lab/agent-process.js';
import { http } from '../../lab/http.js';
import { engine, runId, state } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const root = new URL('../../', import.meta.url).pathname;
const project = `wdtest${runId}`;
const prefix = `ct-${runId}`;
const logDir = mkdtempSync(join(tmpdir(), 'compose-logs-'));
// The stack's secrets, made by the same script as `npm start`, in a directory of this run's own.
const secretsDir = mkdtempSync(join(tmpdir(), 'compose-secrets-'));
execFileSync(process.execPath, ['--import', 'tsx', 'scripts/secrets.ts', 'stack', secretsDir, prefix], { cwd: root });
const secrets = Object.fromEntries(
  readFileSync(join(secretsDir, 'stack.env'), 'utf8')
    .trim()
    .split('\n')
    .map((line) => line.split(/=(.*)/s).slice(0, 2)),
);
const env = {
  ...process.env,
  ...secrets,
  SECRETS_DIR: secretsDir,
  RABBITMQ_IMAGE: 'watchdog-lab/rabbitmq:3',
  NODE_IMAGE: 'watchdog-lab/node:24',
  PROMETHEUS_IMAGE: 'watchdog-lab/prometheus:2',
  PROMETHEUS_PORT: '19099',
  AGENT_METRICS_PORT: '19464',
  CONTROL_PORT: '18089',
  BROKER_PORT: '5679',
  BROKER_UI_PORT: '15679',
  AGENT_HOSTNAME: prefix,
  DUMMY_PREFIX: prefix,
  ANTAGONIST_INTERVAL_MS: '3600000', // the test makes its own fault
  DUMMY_LOSS_INTERVAL_MS: '0',
  LOG_DIR: logDir,
};
const compose = (...args: string[]) =>
  promisify(execFile)('docker-compose', ['-p', project, ...args], { cwd: root, env, maxBuffer: 10 * 1024 * 1024 });
const api = `http://localhost:${env.CONTROL_PORT}`;

after(async () => {
  await compose('stop', 'antagonist', 'agent').catch(() => undefined);
  await compose('down', '-v', '--remove-orphans').catch(() => undefined);
});

it('the compose stack comes up, sees its dummies, heals one that is stopped, and goes down', async () => {
  await compose('up', '-d', '--no-build');
  const dummies = [1, 2, 3].map((i) => `${prefix}-${i}`);
  await waitFor(
    'the agent to report its dummies through the API',
    async () => {
      const { status, body } = await http<{ hostname: string; name: string; status: string; monitored: boolean }[]>(
        'GET',
        `${api}/containers`,
      );
      return (
        status === 200 &&
        dummies.every((d) => body.some((c) => c.hostname === prefix && c.name === d && c.status === 'running' && c.monitored))
      );
    },
    90_000,
    500,
  );

  // Prometheus (the lab's image of Debian's package) scrapes the agent; control reads it back.
  await waitFor(
    "the dummies' history from Prometheus through GET /history",
    async () => {
      const { status, body } = await http<{ series: { name: string }[] }>('GET', `${api}/history?metric=loss&host=${prefix}&range=5m`);
      return status === 200 && dummies.every((d) => body.series.some((s) => s.name === d));
    },
    60_000,
    1000,
  );

  // Its security: changing calls need the generated token, the broker knows no guest, ports listen on loopback only.
  assert.equal((await http('PUT', `${api}/threshold`, { body: '70' })).status, 401);
  const put = await http<{ confirmed: string[] }>('PUT', `${api}/threshold`, {
    body: '70',
    headers: { Authorization: `Bearer ${secrets['API_TOKEN']}` },
  });
  assert.equal(put.status, 200);
  assert.deepEqual(put.body.confirmed, [prefix]);
  const guest = await amqp.connect(`amqp://guest:guest@127.0.0.1:${env.BROKER_PORT}`).then(
    async (c) => (await c.close(), 'accepted'),
    (error: Error) => error.message,
  );
  assert.match(guest, /ACCESS_REFUSED/);
  for (const [service, port] of [
    ['rabbitmq', '5672'],
    ['rabbitmq', '15672'],
    ['control', '8080'],
    ['prometheus', '9090'],
  ] as const) {
    assert.match(
      (await compose('port', service, port)).stdout.trim(),
      /^127\.0\.0\.1:\d+$/,
      `${service}:${port} is published on loopback only`,
    );
  }

  const docker = engine();
  const before = await state(dummies[0] ?? '', docker);
  await docker.getContainer(dummies[0] ?? '').stop({ t: 1 });
  await waitFor(
    'the stopped dummy to run again',
    async () => {
      const now = await state(dummies[0] ?? '', docker);
      return now.running && now.startedAt !== before.startedAt;
    },
    10_000,
    100,
  );
  const heal = await waitFor(
    'the heal in the agent log file',
    () => readLog(join(logDir, `agent-${prefix}.log`)).find((e) => e.container === dummies[0] && e.kind === 'action' && e.outcome === 'ok'),
    5_000,
  );
  // Healed by the stack's agent. Normally on the die event; once (CI, 2026-12-02) the event never
  // reached the agent in its container and the next cycle (5 s) healed it: said, not failed, here;
  // the event path's speed is asserted in agent.test.ts on the lab's engine.
  assert.match(heal.trigger ?? '', /^(event: die|check)$/);
  if (heal.trigger !== 'event: die') console.log(`the stopped dummy was healed by a cycle (${heal.trigger}), not on its die event`);

  await compose('stop', 'antagonist', 'agent');
  await compose('down', '-v', '--remove-orphans');
  const left = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  assert.deepEqual(
    left.map((c) => c.Names[0]),
    [],
    'nothing left behind',
  );
});
