/**
 * Beyond ping (issue 28): a container whose process answers ping but whose service is wedged is
 * restarted by its HTTP probe (`watchdog.probe` labels, Kubernetes' meanings), on the real engine
 * with a real agent; a healthy service beside it, probed over TCP, is left alone; one whose port
 * closes (its process still runs) is restarted by its TCP probe; a command run in
 * a container (an exec probe) that fails restarts it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { createTarget, engine, removeRunContainers, state, uniqueName } from '../../lab/docker.js';
import { quietFor, waitFor } from '../../lab/wait.js';

/** A service that answers /health 200 until /wedge is asked, then 500 (its process still runs and answers ping). */
const SERVICE = `let wedged = false;
require('http').createServer((q, r) => {
  if (q.url === '/wedge') wedged = true;
  r.writeHead(q.url === '/health' && wedged ? 500 : 200).end(wedged ? 'wedged' : 'ok');
}).listen(8080);
process.on('SIGTERM', () => process.exit(0));`;

/** A service that closes its port when /close is asked (its process runs on and answers ping). */
const CLOSING = `const server = require('http').createServer((q, r) => {
  r.end('ok');
  if (q.url === '/close') server.close();
}).listen(8080);
setInterval(() => undefined, 60_000); // the process lives on without its port
process.on('SIGTERM', () => process.exit(0));`;

const wedged = uniqueName('wedged');
const closing = uniqueName('closing');
const steady = uniqueName('steady');
const execd = uniqueName('execd');
let agent: AgentProcess;

const ipOf = async (name: string): Promise<string> =>
  (await engine().getContainer(name).inspect()).NetworkSettings.Networks['bridge']?.IPAddress ?? '';

before(async () => {
  const image = 'container-watchdog/dummy:latest';
  await createTarget(wedged, {
    image,
    cmd: ['node', '-e', SERVICE],
    labels: { 'watchdog.probe': 'http://:8080/health', 'watchdog.probe.period': '1', 'watchdog.probe.failures': '2' },
  });
  await createTarget(steady, {
    image,
    cmd: ['node', '-e', SERVICE],
    labels: { 'watchdog.probe': 'tcp://:8080', 'watchdog.probe.period': '1' },
  });
  await createTarget(closing, {
    image,
    cmd: ['node', '-e', CLOSING],
    labels: { 'watchdog.probe': 'tcp://:8080', 'watchdog.probe.period': '1', 'watchdog.probe.failures': '2' },
  });
  // Healthy while /dev/shm/wedged is absent: a restart gives the container a fresh /dev/shm.
  await createTarget(execd, {
    labels: { 'watchdog.probe': 'exec:test ! -e /dev/shm/wedged', 'watchdog.probe.period': '1', 'watchdog.probe.failures': '2' },
  });
  agent = startAgent({ MONITORED: `${wedged},${steady},${execd},${closing}`, CHECK_INTERVAL_MS: '1000', STOP_TIMEOUT_S: '1' });
  await waitFor(
    'both services answering',
    async () => {
      for (const name of [wedged, steady, closing])
        if ((await fetch(`http://${await ipOf(name)}:8080/health`).catch(() => null))?.status !== 200) return false;
      return true;
    },
    20_000,
    200,
  );
});

after(async () => {
  await agent?.stop();
  await removeRunContainers();
});

it('a wedged service (ping still answered) is restarted by its HTTP probe after two failures in a row; the new instance serves again; a TCP-probed one is left alone', async () => {
  await agent.waitForLog('the agent checking them', (e) => e.kind === 'cycle' && Number(e['checked']) >= 3, 15_000);
  const [before, beside] = [await state(wedged), await state(steady)];
  const wedgedAt = Date.now();
  assert.equal((await fetch(`http://${await ipOf(wedged)}:8080/wedge`)).status, 200);
  await waitFor('the wedged service restarted', async () => (await state(wedged)).startedAt !== before.startedAt, 20_000, 200);
  const healedMs = Date.now() - wedgedAt;
  const heal = await agent.waitForLog('its restart', (e) => e.kind === 'action' && e.container === wedged && e.outcome === 'ok');
  assert.equal(heal.trigger, 'probe');
  assert.match(String(heal.reason), /^http probe http:\/\/[\d.]+:8080\/health failed 2 times in a row: HTTP 500$/);
  assert.ok(healedMs < 15_000, `restarted ${healedMs} ms after it wedged (two 1 s periods, a cycle and the restart)`);
  await waitFor(
    'the new instance serving',
    async () => (await fetch(`http://${await ipOf(wedged)}:8080/health`).catch(() => null))?.status === 200,
    15_000,
    200,
  );
  await quietFor(3000, 'three probe periods: a healthy service is never restarted');
  assert.equal((await state(steady)).startedAt, beside.startedAt, 'the TCP-probed service kept its instance');
  assert.equal(agent.log().filter((e) => e.kind === 'action' && e.container === steady).length, 0);
});

it('a closed TCP port (the process still runs and answers ping) restarts the container after two failed connects; the new instance listens again', async () => {
  const before = await state(closing);
  await fetch(`http://${await ipOf(closing)}:8080/close`, { headers: { Connection: 'close' } });
  await waitFor('the closed service restarted', async () => (await state(closing)).startedAt !== before.startedAt, 20_000, 200);
  const heal = await agent.waitForLog('its restart', (e) => e.kind === 'action' && e.container === closing && e.outcome === 'ok');
  assert.equal(heal.trigger, 'probe');
  assert.match(String(heal.reason), /^tcp probe tcp:\/\/[\d.]+:8080 failed 2 times in a row: /);
  await waitFor(
    'the new instance listening',
    async () => (await fetch(`http://${await ipOf(closing)}:8080/`).catch(() => null))?.status === 200,
    15_000,
    200,
  );
});

it('an exec probe (a command in the container, exit 0 is success) restarts the container when the command fails twice in a row', async () => {
  const before = await state(execd);
  // The docker CLI, not dockerode's exec: that one left a connection open that kept this test's process alive for minutes.
  execFileSync('docker', ['exec', execd, 'touch', '/dev/shm/wedged']);
  await waitFor('the failing container restarted', async () => (await state(execd)).startedAt !== before.startedAt, 20_000, 200);
  const heal = await agent.waitForLog('its restart', (e) => e.kind === 'action' && e.container === execd && e.outcome === 'ok');
  assert.match(String(heal.reason), /^exec probe exec "test ! -e \/dev\/shm\/wedged" failed 2 times in a row: exit code 1$/);
  await quietFor(3000, 'three periods: the new instance (a fresh /dev/shm) passes and is not restarted again');
  assert.equal(agent.log().filter((e) => e.kind === 'action' && e.container === execd).length, 1);
});

/** A service that answers only after `delay` seconds of its life (never, with a delay past the test). */
const slowService = (
  delaySec: number,
): string => `setTimeout(() => require('http').createServer((q, r) => r.end('ok')).listen(8080), ${delaySec * 1000});
process.on('SIGTERM', () => process.exit(0));`;

it('start period, as the issue names it: a slow starter (30 s) under watchdog.start-period=40 is never restarted while starting; one that never answers is restarted once it ends', async () => {
  const image = 'container-watchdog/dummy:latest';
  const labels = {
    'watchdog.probe': 'http://:8080/',
    'watchdog.probe.period': '1',
    'watchdog.probe.failures': '2',
    'watchdog.start-period': '40',
  };
  const slow = uniqueName('slow-starter');
  const never = uniqueName('never-starter');
  await createTarget(slow, { image, cmd: ['node', '-e', slowService(30)], labels });
  await createTarget(never, { image, cmd: ['node', '-e', slowService(3600)], labels });
  const [slowStart, neverStart] = [(await state(slow)).startedAt, (await state(never)).startedAt];
  const second = startAgent({ MONITORED: `${slow},${never}`, CHECK_INTERVAL_MS: '1000', STOP_TIMEOUT_S: '1' });
  try {
    await waitFor(
      'the never-starter restarted after its start period',
      async () => (await state(never)).startedAt !== neverStart,
      60_000,
      200,
    );
    const restartedAfterMs = Date.parse((await state(never)).startedAt) - Date.parse(neverStart);
    assert.ok(restartedAfterMs >= 40_000, `not before its start period ended (${restartedAfterMs} ms)`);
    const reason = await waitFor(
      'its restart in the log',
      () => second.log().find((e) => e['container'] === never && e['outcome'] === 'ok')?.['reason'],
    );
    assert.match(String(reason), /never passed within its start period of 40 s/);
    assert.equal((await state(slow)).startedAt, slowStart, 'the slow starter was never restarted');
    assert.ok(
      second.log().some((e) => e['container'] === slow && e['verdict'] === 'starting'),
      'its failures were seen and not counted',
    );
  } finally {
    await second.stop();
  }
});

it('start period for the loss verdict: a container lossy from its start is not restarted before START_PERIOD_S ends, then it is', async () => {
  const lossy = uniqueName('young-lossy');
  await createTarget(lossy);
  const startedAt = (await state(lossy)).startedAt;
  execFileSync('nsenter', ['-t', String((await state(lossy)).pid), '-n', 'iptables', '-A', 'INPUT', '-p', 'icmp', '-j', 'DROP']);
  const third = startAgent({ MONITORED: lossy, CHECK_INTERVAL_MS: '500', START_PERIOD_S: '10' });
  try {
    await waitFor('restarted once its start period ended', async () => (await state(lossy)).startedAt !== startedAt, 30_000, 200);
    const afterMs = Date.parse((await state(lossy)).startedAt) - Date.parse(startedAt);
    assert.ok(afterMs >= 10_000, `not before START_PERIOD_S (${afterMs} ms after its start)`);
    const held = third.log().find((e) => e['container'] === lossy && e['verdict'] === 'starting');
    assert.match(String(held?.['reason']), /within its start period \(\d+ s of 10 s, no check passed yet\): not restarted/);
  } finally {
    await third.stop();
  }
});
