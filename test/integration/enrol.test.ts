/**
 * Adding a host in one command, as an operator does it, against the lab's real broker and a
 * second Docker engine: `watchdog hosts add` makes the host's broker user and its env file, an
 * agent started with only that file joins the running control and lists that engine's containers;
 * its user may not read another host's commands; `watchdog hosts remove` takes it away again.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, type CliRun } from '../../lab/cli-process.js';
import { after, before, it } from 'node:test';
import amqp from 'amqplib';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { BROKER_SECRETS } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, hostSocket, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';

const host = `enrol-${runId}`;
const name = uniqueName('enrolled');
const dockerB = engine(hostSocket(2));
const out = mkdtempSync(join(tmpdir(), 'enrol-'));
const MANAGEMENT = 'http://127.0.0.1:15672';
const admin = {
  RABBITMQ_MANAGEMENT_URL: MANAGEMENT,
  RABBITMQ_ADMIN_USER: 'lab-admin',
  RABBITMQ_ADMIN_PASSWORD: readFileSync(`${BROKER_SECRETS}/lab-admin`, 'utf8').trim(),
};
let control: ControlProcess;
let agent: AgentProcess | undefined;

const ADMIN_TOKEN = `enrol-admin-${runId}-0123456789`;
const OPERATE_TOKEN = `enrol-otto-${runId}-0123456789`;
const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
  runCli(args, { CONTROL_URL: control.url, API_TOKEN: ADMIN_TOKEN, ...admin, ...env });
const brokerUserExists = async (): Promise<boolean> =>
  (
    await fetch(`${MANAGEMENT}/api/users/agent-${host}`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`${admin.RABBITMQ_ADMIN_USER}:${admin.RABBITMQ_ADMIN_PASSWORD}`).toString('base64')}`,
      },
    })
  ).status === 200;

const envFile = (): Record<string, string> =>
  Object.fromEntries(
    readFileSync(join(out, `${host}.env`), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

before(async () => {
  await createTarget(name, { docker: dockerB });
  writeFileSync(join(out, 'tokens.json'), JSON.stringify([{ name: 'otto', role: 'operate', token: OPERATE_TOKEN }]), { mode: 0o600 });
  control = await startControl({ HOST_TIMEOUT_MS: '3000', API_TOKEN: ADMIN_TOKEN, API_TOKENS_FILE: join(out, 'tokens.json') });
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  await cli(['hosts', 'remove', host]);
  await removeRunContainers(dockerB);
});

it('an operate token may not enrol or remove a host (exit 2, nothing made); only an admin token may', async () => {
  for (const verb of ['add', 'remove']) {
    const refused = await cli(['hosts', verb, host], { API_TOKEN: OPERATE_TOKEN });
    assert.equal(refused.code, 2, refused.stderr);
    assert.match(refused.stderr, new RegExp(`hosts ${verb} needs an admin token: API_TOKEN is otto's, whose role is operate`));
  }
  assert.equal(await brokerUserExists(), false, 'no broker user was made');
});

it('hosts add: a broker user of its own and an env file; an agent with only that file joins, lists its engine, and may not read another host; hosts remove takes it away', async () => {
  const added = await cli(['hosts', 'add', host, '--broker', '127.0.0.1:5672', '--out', out]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, new RegExp(`host ${host} enrolled \\(broker user agent-${host}\\)`));
  assert.match(added.stdout, new RegExp(`docker-compose -f docker-compose.agent.yml --env-file ${host}.env up -d`));
  assert.equal(statSync(join(out, `${host}.env`)).mode & 0o777, 0o600, 'the env file holds a password: only its owner reads it');
  const env = envFile();
  assert.equal(env['AGENT_HOSTNAME'], host);
  assert.match(env['AMQP_URL'] ?? '', new RegExp(`^amqp://agent-${host}:[A-Za-z0-9_-]{32}@127\\.0\\.0\\.1:5672$`));

  const again = await cli(['hosts', 'add', host]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /enrolled already.*hosts remove/);
  assert.equal((await cli(['hosts', 'add', '-bad name'])).code, 2);

  // The new host, as docker-compose.agent.yml runs it: only what the env file says, and its engine.
  agent = startAgent({
    AMQP_URL: env['AMQP_URL'] ?? '',
    AGENT_HOSTNAME: host,
    DOCKER_HOST: `unix://${hostSocket(2)}`,
    CHECK_INTERVAL_MS: '1000',
  });
  await control.hostsLive([host]);
  const listed = await http<{ name: string; hostname: string }[]>('GET', `${control.url}/containers?host=${host}`);
  assert.ok(
    listed.body.some((c) => c.name === name),
    JSON.stringify(listed.body),
  );
  const monitor = await http<{ monitored: boolean }>('POST', `${control.url}/containers/${host}/${name}`, {
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
  });
  assert.deepEqual([monitor.status, monitor.body.monitored], [200, true], 'commands reach it');

  // Least privilege: its login may not bind another host's commands.
  const connection = await amqp.connect(env['AMQP_URL'] ?? '');
  const refused = await new Promise<string>((resolve) => {
    void connection.createChannel().then(async (channel) => {
      channel.on('error', (error: Error) => resolve(error.message));
      try {
        await channel.bindQueue(`watchdog.agent.${host}.commands`, 'watchdog.commands.topic', 'host.someone-else');
        resolve('bound');
      } catch (error) {
        resolve((error as Error).message);
      }
    });
  });
  await connection.close().catch(() => undefined);
  assert.match(refused, /ACCESS_REFUSED/);

  const removed = await cli(['hosts', 'remove', host]);
  assert.equal(removed.code, 0, removed.stderr);
  assert.match(removed.stdout, new RegExp(`host ${host} removed: its broker user and [12] queue\\(s\\)`));
  await control.hostNotLive(host, 15_000);
  await agent.waitForLog(
    'the agent refused by the broker',
    (e) => /ACCESS_REFUSED|not allowed|authentication|login was refused/i.test(e.message),
    20_000,
  );
  const queues = await fetch(`${MANAGEMENT}/api/queues/%2F`, {
    headers: { Authorization: `Basic ${Buffer.from(`lab-admin:${admin.RABBITMQ_ADMIN_PASSWORD}`).toString('base64')}` },
  });
  const names = ((await queues.json()) as { name: string }[]).map((q) => q.name);
  // Its query queue is exclusive to its connection and went with it; its durable command queue was deleted.
  assert.ok(!names.some((n) => n.startsWith(`watchdog.agent.${host}.`)), 'its queues are gone');
  assert.equal((await cli(['hosts', 'remove', host])).code, 2, 'removing it twice is refused');
});
