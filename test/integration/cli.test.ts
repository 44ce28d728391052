/**
 * The `watchdog` CLI as an operator runs it (node bin/watchdog.mjs, CONTROL_URL and API_TOKEN in
 * the environment) against a real control, agent, engine and broker: what it prints, and the exit
 * codes scripts rely on (0 ok, 2 refused, 3 unreachable, 4 partial or unconfirmed).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { CLI_BIN, runCli, type CliRun } from '../../lab/cli-process.js';
import { after, before, describe, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const host = `cli-${runId}`;
const name = uniqueName('cli');
const TOKEN = `cli-token-${runId}`;
let control: ControlProcess;
let agent: AgentProcess;
const startedAt = Date.now();

const cli = (args: string[], env: Record<string, string> = {}): Promise<CliRun> =>
  runCli(args, { CONTROL_URL: control.url, API_TOKEN: TOKEN, ...env });

before(async () => {
  await createTarget(name);
  control = await startControl({ API_TOKEN: TOKEN, GATHER_TIMEOUT_MS: '2000', HOST_TIMEOUT_MS: '3000' });
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(host),
    AGENT_HOSTNAME: host,
    CHECK_INTERVAL_MS: '1000',
    LOSS_THRESHOLD: '60',
    METRICS_PORT: '0',
  });
  await control.hostsLive([host]);
});

after(async () => {
  await Promise.all([agent?.stop(), control?.stop()]);
  await deleteAgentQueues([host]);
  await removeRunContainers();
});

describe('watchdog CLI (real control, agent, engine, broker)', () => {
  it('status: the host live and its containers as a table, and the same as JSON', async () => {
    const table = await cli(['status', '--host', host]);
    assert.equal(table.code, 0, table.stderr);
    assert.match(table.stdout, new RegExp(`^${host}\\s+live\\s`, 'm'));
    assert.match(table.stdout, new RegExp(`^${host}\\s+${name}\\s+running\\s+no\\s`, 'm'));
    const json = await cli(['--json', 'status', '--host', host]);
    const parsed = JSON.parse(json.stdout) as { hosts: { hostname: string; live: boolean }[]; containers: { name: string }[] };
    assert.deepEqual(
      parsed.hosts.map((h) => [h.hostname, h.live]),
      [[host, true]],
    );
    assert.ok(parsed.containers.some((c) => c.name === name));
  });

  it("the host's own health: in its heartbeats, GET /hosts, the CLI's table and the agent's /metrics (node_exporter's names)", async () => {
    type Hosts = { hostname: string; resources?: Record<string, number | string> }[];
    const resources = await waitFor(
      "a heartbeat with the host's CPU",
      async () => {
        const run = await cli(['--json', 'hosts']);
        return (JSON.parse(run.stdout) as Hosts).find((h) => h.hostname === host && h.resources?.['cpuPercent'] !== undefined)?.resources;
      },
      15_000,
      500,
    );
    const total = Number(resources['memoryTotalBytes']);
    assert.ok(total > 64 * 1024 ** 2 && Number(resources['memoryUsedBytes']) < total, JSON.stringify(resources));
    assert.ok(Number(resources['cpuPercent']) >= 0 && Number(resources['cpuPercent']) <= 100);
    assert.ok(Number(resources['diskTotalBytes']) > Number(resources['diskAvailableBytes']));
    assert.ok(Number(resources['load1']) >= 0);
    assert.match((await cli(['status', '--host', host])).stdout, new RegExp(`^HOST\\s+STATE.*CPU\\s+MEMORY\\s+LOAD\\s+DISK$`, 'm'));
    const port = await waitFor('the metrics port', () => agent.log().find((e) => typeof e['metricsPort'] === 'number')?.['metricsPort']);
    const metrics = await (await fetch(`http://127.0.0.1:${String(port)}/metrics`)).text();
    for (const name of [
      'node_load1',
      'node_memory_MemAvailable_bytes',
      'node_memory_MemTotal_bytes',
      'node_filesystem_avail_bytes',
      'node_cpu_seconds_total',
    ])
      assert.match(metrics, new RegExp(`^${name}\\{host="${host}"[^}]*\\} [0-9.e+]+$`, 'm'), name);
    // The host card's hour: control's samples of the heartbeats, one per 30 s.
    const hour = await fetch(`${control.url}/hosts/${host}/resources`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const samples = ((await hour.json()) as { samples: { cpuPercent?: number; memoryPercent?: number }[] }).samples;
    assert.equal(hour.status, 200);
    const periods = Math.floor((Date.now() - startedAt) / 30_000) + 2; // the 30 s periods the agent has lived in, at most
    assert.ok(samples.length >= 1 && samples.length <= periods, `one sample per 30 s, not per heartbeat: ${JSON.stringify(samples)}`);
    assert.ok(
      // The first heartbeat has no CPU figure (busy since the previous one): memory in every sample, CPU in the latest.
      samples.every((s) => s.memoryPercent !== undefined && s.memoryPercent > 0) && samples.at(-1)?.cpuPercent !== undefined,
      JSON.stringify(samples),
    );
    assert.equal((await fetch(`${control.url}/hosts/no-such-host/resources`)).status, 404);
  });

  it('monitor, policy set/get/clear, threshold and dry-run: each confirmed by the agent, exit 0', async () => {
    const monitor = await cli(['monitor', host, name]);
    assert.deepEqual([monitor.code, monitor.stdout.trim()], [0, `${name} on ${host}: monitored (confirmed by its agent)`]);
    const set = await cli(['policy', 'set', host, name, '--threshold', '30', '--action', 'notify']);
    assert.equal(set.code, 0, set.stderr);
    assert.match(set.stdout, /^threshold\s+30\s+api$/m);
    assert.match(set.stdout, /^action\s+notify\s+api$/m);
    assert.match(set.stdout, /^restartLimit\s+\d+\s+host$/m, 'what was not set keeps its source');
    const cleared = await cli(['--json', 'policy', 'clear', host, name]);
    assert.equal(cleared.code, 0, cleared.stderr);
    assert.deepEqual((JSON.parse(cleared.stdout) as { api: object }).api, {});
    const threshold = await cli(['threshold', 'set', '70']);
    assert.deepEqual([threshold.code, threshold.stdout.trim()], [0, `threshold 70 %: confirmed by ${host}`]);
    const on = await cli(['dry-run', 'on', '--host', host]);
    assert.deepEqual([on.code, on.stdout.trim()], [0, `observe only: confirmed by ${host}`]);
    // GET /hosts says what the host's last heartbeat said: observe-only shows within a heartbeat (2 s).
    await waitFor(
      'status to show the host observing only',
      async () => new RegExp(`^${host}\\s+live\\s.*observe only`, 'm').test((await cli(['status', '--host', host])).stdout),
      10_000,
      200,
    );
    assert.equal((await cli(['dry-run', 'off', '--host', host])).code, 0);
    const events = await cli(['--json', 'events', '--host', host, '--type', 'command', '--limit', '50']);
    const told = events.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { detail?: string });
    assert.ok(
      told.some((e) => e.detail === 'threshold 70%'),
      `the threshold told as a command event: ${events.stdout}`,
    );
  });

  it('events --follow prints new events as they come (a command, a heal as it happens), and ends cleanly on Ctrl-C', async () => {
    const follower = spawn(process.execPath, [CLI_BIN, '--json', 'events', '--follow', '--host', host], {
      env: { ...process.env, CONTROL_URL: control.url, API_TOKEN: TOKEN },
    });
    let printed = '';
    follower.stdout.on('data', (c: Buffer) => (printed += c.toString()));
    const exited = new Promise<number | null>((resolve) => follower.once('exit', (code) => resolve(code)));
    // It prints the latest first, once its live stream is open: then a new command must show.
    await waitFor('the latest events printed', () => printed.includes('"threshold 70%"'), 10_000, 100);
    assert.equal((await cli(['threshold', 'set', '65'])).code, 0);
    await waitFor('the command event, live', () => printed.includes('"threshold 65%"'), 10_000, 100);
    await engine().getContainer(name).kill(); // the monitored container dies: its heal shows as it happens
    await waitFor('the heal, live', () => /"type":"heal".*"action":"start".*"outcome":"ok"/.test(printed), 15_000, 100);
    follower.kill('SIGINT');
    assert.equal(await exited, 0);
  });

  it('refused: a wrong token or bad input is exit 2 and says what to do; nothing changes', async () => {
    const wrong = await cli(['threshold', 'set', '40'], { API_TOKEN: 'not-the-token' });
    assert.equal(wrong.code, 2);
    assert.match(wrong.stderr, /API_TOKEN is not the token control has/);
    const bad = await cli(['threshold', 'set', 'high']);
    assert.deepEqual([bad.code, bad.stderr.trim()], [2, 'watchdog: threshold: must be a number from 0 to 100 (got "high")']);
    const unknown = await cli(['monitor', host, 'no-such-container']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /refused \(404\).*no container named no-such-container/);
    assert.match((await cli(['status', '--host', host])).stdout, new RegExp(`^${host}\\s+live\\s+\\S+ s ago\\s+65 %`, 'm'), 'still 65 %');
  });

  it('silence add, list and remove: a window held by the host, listed, ended; a bad --until is exit 2 and makes nothing', async () => {
    const bad = await cli(['silence', 'add', 'db-*', '--until', 'tomorrow', '--reason', 'x']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--until: must be a duration such as 45m, 2h or 1d/);
    const added = await cli(['--json', 'silence', 'add', `${name}*`, '--until', '30m', '--reason', 'cli window', '--host', host]);
    assert.equal(added.code, 0, added.stderr);
    const made = JSON.parse(added.stdout) as { silence: { id: string; until: string; by: string }; confirmed: string[] };
    assert.deepEqual(made.confirmed, [host]);
    assert.equal(made.silence.by, 'api', "the token's name");
    assert.ok(Math.abs(Date.parse(made.silence.until) - (Date.now() + 1_800_000)) < 60_000, '30 minutes from now');
    const listed = await cli(['silence', 'list']);
    assert.match(
      listed.stdout,
      new RegExp(`^${made.silence.id}\\s+${host}\\s+${name}\\*\\s+.*heals, notifications\\s+api\\s+cli window$`, 'm'),
    );
    const status = await cli(['status', '--host', host]);
    assert.match(
      status.stdout,
      new RegExp(`^silenced: ${name}\\* on ${host} until .*, heals held: cli window \\(${made.silence.id}\\)$`, 'm'),
    );
    const removed = await cli(['silence', 'remove', made.silence.id]);
    assert.deepEqual([removed.code, removed.stdout.startsWith(`silence ${made.silence.id} ended`)], [0, true]);
    const again = await cli(['silence', 'remove', made.silence.id]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /refused \(404\).*no silence in force has the id/);
  });

  it('unreachable is exit 3; a silent host makes status partial (exit 4, named) and a change unconfirmable (exit 3: nothing sent)', async () => {
    const away = await cli(['status'], { CONTROL_URL: 'http://127.0.0.1:9' });
    assert.equal(away.code, 3);
    assert.match(away.stderr, /cannot reach control at http:\/\/127\.0\.0\.1:9 .*npm start/);
    agent.child.kill('SIGKILL'); // gone without a goodbye
    await control.hostNotLive(host, 15_000);
    const status = await cli(['status']);
    assert.equal(status.code, 4, status.stdout + status.stderr);
    assert.match(status.stdout, new RegExp(`^${host}\\s+silent\\s`, 'm'));
    assert.match(status.stdout, new RegExp(`silent \\(their containers are not listed\\): .*${host}`));
    const change = await cli(['threshold', 'set', '50']);
    assert.equal(change.code, 3, change.stderr);
    assert.match(change.stderr, /no agent is live.*nothing was sent/);
  });
});
