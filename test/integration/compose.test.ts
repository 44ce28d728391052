/**
 * The compose stack from the images the lab built: it comes up, the agent sees the dummies through
 * the REST API and heals one the test stops, and it goes down again. Own project name, ports and
 * container names, so it never touches a stack started with `npm start`.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { promisify } from 'node:util';
import { readLog } from '../../lab/agent-process.js';
import { http } from '../../lab/http.js';
import { engine, runId, state } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const root = new URL('../../', import.meta.url).pathname;
const project = `wdtest${runId}`;
const prefix = `ct-${runId}`;
const logDir = mkdtempSync(join(tmpdir(), 'compose-logs-'));
const env = {
  ...process.env,
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
const compose = (...args: string[]) => promisify(execFile)('docker-compose', ['-p', project, ...args], { cwd: root, env, maxBuffer: 10 * 1024 * 1024 });
const api = `http://localhost:${env.CONTROL_PORT}`;

after(async () => {
  await compose('stop', 'antagonist', 'agent').catch(() => undefined);
  await compose('down', '-v', '--remove-orphans').catch(() => undefined);
});

it('the compose stack comes up, sees its dummies, heals one that is stopped, and goes down', async () => {
  await compose('up', '-d', '--no-build');
  const dummies = [1, 2, 3].map((i) => `${prefix}-${i}`);
  await waitFor('the agent to report its dummies through the API', async () => {
    const { status, body } = await http<{ hostname: string; name: string; status: string; monitored: boolean }[]>('GET', `${api}/containers`);
    return status === 200 && dummies.every((d) => body.some((c) => c.hostname === prefix && c.name === d && c.status === 'running' && c.monitored));
  }, 90_000, 500);

  // Prometheus (the lab's image of Debian's package) scrapes the agent; control reads it back.
  await waitFor("the dummies' history from Prometheus through GET /history", async () => {
    const { status, body } = await http<{ series: { name: string }[] }>('GET', `${api}/history?metric=loss&host=${prefix}&range=5m`);
    return status === 200 && dummies.every((d) => body.series.some((s) => s.name === d));
  }, 60_000, 1000);

  const docker = engine();
  const before = await state(dummies[0] ?? '', docker);
  await docker.getContainer(dummies[0] ?? '').stop({ t: 1 });
  await waitFor('the stopped dummy to run again', async () => {
    const now = await state(dummies[0] ?? '', docker);
    return now.running && now.startedAt !== before.startedAt;
  }, 10_000, 100);
  const heal = await waitFor('the heal in the agent log file', () => readLog(join(logDir, `agent-${prefix}.log`)).find((e) => e.container === dummies[0] && e.kind === 'action' && e.outcome === 'ok'), 5_000);
  assert.equal(heal.trigger, 'event: die');

  await compose('stop', 'antagonist', 'agent');
  await compose('down', '-v', '--remove-orphans');
  const left = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`] } });
  assert.deepEqual(left.map((c) => c.Names[0]), [], 'nothing left behind');
});
