/**
 * The agent against the real Docker engine: what an operator observes in `docker ps` and the log file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { after, afterEach, describe, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { createTarget, dropOutgoing, engine, removeRunContainers, state, uniqueName } from '../../lab/docker.js';
import { waitFor, quietFor } from '../../lab/wait.js';

const docker = engine();
const agents: AgentProcess[] = [];

function agent(env: Record<string, string>, dir?: string): AgentProcess {
  const started = startAgent(env, dir);
  agents.push(started);
  return started;
}

afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.stop()));
});
after(() => removeRunContainers(docker));

const firstCycle = (a: AgentProcess) => a.waitForLog('the first check cycle', (e) => e.kind === 'cycle');

describe('agent on a real engine', () => {
  const stops: [string, (name: string) => Promise<unknown>][] = [
    ['stopped through the API', (name) => docker.getContainer(name).stop({ t: 0 })],
    ['killed with SIGKILL', (name) => docker.getContainer(name).kill({ signal: 'SIGKILL' })],
  ];
  for (const [how, stop] of stops) {
    it(`a monitored container ${how} is running again at once, without waiting for a cycle`, async () => {
      const name = uniqueName('stopped');
      await createTarget(name);
      // The next cycle is 10 minutes away: only the die event can explain a quick start.
      const a = agent({ MONITORED: name, CHECK_INTERVAL_MS: '600000' });
      await firstCycle(a);
      const before = await state(name);
      await stop(name);
      await waitFor(
        'the container to run again',
        async () => {
          const now = await state(name);
          return now.running && now.startedAt !== before.startedAt;
        },
        5_000,
        10,
      );
      const heal = await a.waitForLog('the start action', (e) => e.container === name && e.kind === 'action');
      assert.equal(heal.trigger, 'event: die');
      assert.equal(heal.outcome, 'ok');
    });
  }

  it('classic verdict: a container that drops all its outgoing packets is restarted within one cycle plus the probe time', async () => {
    const name = uniqueName('silent');
    await createTarget(name);
    const a = agent({ MONITORED: name, CHECK_INTERVAL_MS: '1000', LOSS_THRESHOLD: '60', VERDICT: 'classic' });
    await firstCycle(a);
    const before = await state(name);
    const injectedAt = Date.now();
    await dropOutgoing(name, []);
    await waitFor('the lossy container to be restarted', async () => (await state(name)).startedAt !== before.startedAt, 10_000);
    const restartMs = Date.now() - injectedAt;
    // One interval (1 s), a probe of 5 pings 0.2 s apart with a 1 s wait (1.8 s), a 2 s stop grace, and the restart.
    assert.ok(restartMs < 6_000, `restarted after ${restartMs} ms`);
    // The cycle whose pings straddle the moment the drop begins can see one of its 5 answered (80 %).
    const lossy = a.log().find((e) => e.container === name && e.verdict === 'lossy');
    assert.ok((lossy?.lossPercent ?? 0) >= 80, `restarted on ${lossy?.lossPercent} % loss`);
    const restart = await a.waitForLog('the restart action', (e) => e.container === name && e.kind === 'action');
    assert.equal(restart.action, 'restart');
    assert.equal(restart.outcome, 'ok');
    // A restart gets a fresh network namespace: the container answers again.
    await a.waitForLog('a healthy check after the restart', (e) => e.container === name && e.verdict === 'ok' && e.time > restart.time);
  });

  it('sequential verdict: a container at 100 % loss is restarted long before the next check cycle would come', async () => {
    const name = uniqueName('quiet');
    await createTarget(name);
    // The next cycle is a minute away: only continuous probing can explain a quick restart.
    const a = agent({ MONITORED: name, CHECK_INTERVAL_MS: '60000', LOSS_THRESHOLD: '60', VERDICT: 'sequential' });
    await firstCycle(a);
    await a.waitForLog(
      'its first probes judged (the prober runs)',
      (e) => e.container === name && e.kind === 'check' && e.verdict === 'ok',
      30_000,
    );
    const before = await state(name);
    const injectedAt = Date.now();
    await dropOutgoing(name, []);
    await waitFor('the silent container to be restarted', async () => (await state(name)).startedAt !== before.startedAt, 15_000, 20);
    const restartMs = Date.now() - injectedAt;
    // Typically under 2 s; the bound only has to tell continuous probing from the next cycle, 60 s away, even on a busy machine.
    assert.ok(restartMs < 30_000, `restarted ${restartMs} ms after the loss began (the next cycle: 60 s)`);
    const lossy = a.log().find((e) => e.container === name && e.verdict === 'lossy');
    assert.equal(lossy?.['rule'], 'silence');
    assert.equal(lossy?.lossPercent, 100);
    assert.ok(Number(lossy?.['probes']) >= 10 && Number(lossy?.['decidedInMs']) < 30_000, JSON.stringify(lossy));
    assert.match(lossy?.reason ?? '', /^loss 100% \(95% CI [\d.]+-100%\) over \d+ probes in \d+ ms, no reply at all: over threshold 60%$/);
    const restart = await a.waitForLog('the restart action', (e) => e.container === name && e.kind === 'action');
    assert.equal(restart.trigger, 'verdict');
    // The new instance is watched at once (not at the next cycle) and judged healthy.
    await a.waitForLog(
      'an ok verdict on the new instance',
      (e) => e.container === name && e.verdict === 'ok' && e.time > restart.time,
      10_000,
    );
  });

  it('sequential verdict: a container losing 20 % (threshold 60) is left alone, and the verdict says how sure it is', async () => {
    const name = uniqueName('steady');
    await createTarget(name);
    await dropOutgoing(name, ['-p', 'icmp', '-m', 'statistic', '--mode', 'nth', '--every', '5', '--packet', '0']);
    const before = await state(name);
    const a = agent({ MONITORED: name, CHECK_INTERVAL_MS: '1000', LOSS_THRESHOLD: '60', VERDICT: 'sequential' });
    const ok = await a.waitForLog('an ok verdict', (e) => e.container === name && e.verdict === 'ok', 15_000);
    assert.equal(ok['rule'], 'sequential');
    assert.ok(
      Number(ok['lossLowPercent']) <= Number(ok.lossPercent) && Number(ok.lossPercent) <= Number(ok['lossHighPercent']),
      JSON.stringify(ok),
    );
    await quietFor(
      8000,
      'a container losing less than its threshold is never restarted: 8 s is well past the time this verdict took (decidedInMs)',
    );
    assert.equal(a.log().filter((e) => e.kind === 'action').length, 0);
    assert.equal((await state(name)).startedAt, before.startedAt);
  });

  it('classic verdict: a container losing less than the threshold is left alone', async () => {
    const name = uniqueName('flaky');
    await createTarget(name);
    await dropOutgoing(name, ['-p', 'icmp', '-m', 'statistic', '--mode', 'nth', '--every', '5', '--packet', '0']);
    const before = await state(name);
    const a = agent({ MONITORED: name, CHECK_INTERVAL_MS: '300', LOSS_THRESHOLD: '60', VERDICT: 'classic' });
    await waitFor('three checks', () => a.log().filter((e) => e.container === name && e.kind === 'check').length >= 3, 15_000);
    const checks = a.log().filter((e) => e.container === name && e.kind === 'check');
    assert.deepEqual(
      checks.slice(0, 3).map((e) => [e.verdict, e.lossPercent]),
      [
        ['ok', 20],
        ['ok', 20],
        ['ok', 20],
      ],
    );
    assert.equal(a.log().filter((e) => e.kind === 'action').length, 0);
    assert.equal((await state(name)).startedAt, before.startedAt);
  });

  it('never touches an unmonitored container, and logs a monitored one absent from the host', async () => {
    const watched = uniqueName('watched');
    const other = uniqueName('other');
    const ghost = uniqueName('ghost');
    await createTarget(watched);
    await createTarget(other);
    await docker.getContainer(other).stop({ t: 0 });
    const a = agent({ MONITORED: `${watched},${ghost}`, CHECK_INTERVAL_MS: '300' });
    await waitFor('two cycles', () => a.log().filter((e) => e.kind === 'cycle').length >= 2);
    await docker.getContainer(other).start();
    await docker.getContainer(other).kill();
    await waitFor('a third cycle', () => a.log().filter((e) => e.kind === 'cycle').length >= 3);
    assert.equal((await state(other)).running, false);
    assert.equal(a.log().filter((e) => e.container === other).length, 0);
    const absent = a.log().filter((e) => e.container === ghost);
    assert.ok(absent.length >= 2);
    assert.ok(
      absent.every((e) => e.verdict === 'absent' && e.level === 'info'),
      JSON.stringify(absent[0]),
    );
  });

  it('after a restart the agent monitors the same list with the same threshold', async () => {
    const first = uniqueName('kept');
    const second = uniqueName('seed');
    await createTarget(first);
    await createTarget(second);
    const dir = mkdtempSync(join(tmpdir(), 'agent-'));
    const a = agent({ MONITORED: first, LOSS_THRESHOLD: '30', CHECK_INTERVAL_MS: '300' }, dir);
    await firstCycle(a);
    assert.equal(await a.stop(), 0);
    // MONITORED and LOSS_THRESHOLD only seed the first start; the saved state wins afterwards.
    // The same state file, a log of its own: every line read below is the restarted agent's.
    const b = agent({ MONITORED: second, LOSS_THRESHOLD: '90', CHECK_INTERVAL_MS: '300', LOG_FILE: join(dir, 'restarted.log') }, dir);
    const check = await b.waitForLog('a check after the restart', (e) => e.kind === 'check');
    assert.equal(check.container, first);
    assert.match(check.reason ?? '', /threshold 30%/);
    await b.waitForLog('another cycle', (e) => e.kind === 'cycle');
    // Neither agent said a word of the container only the restarted one's MONITORED names.
    const aboutSecond = [...a.log(), ...b.log()].filter((e) => e.container === second);
    assert.deepEqual(aboutSecond, [], 'lines about the container the saved state does not monitor');
  });

  it('a container that keeps dying ends in backoff instead of a restart storm', async () => {
    const name = uniqueName('crashy');
    await createTarget(name, { cmd: ['sh', '-c', 'sleep 0.2; exit 3'] });
    // A backoff longer than the window, so the backoff decides when it may start again (at most 3 in any 10 s
    // holds either way); a window wide enough for 3 starts of a container that lives 0.2 s even on a busy machine.
    const a = agent({
      MONITORED: name,
      CHECK_INTERVAL_MS: '500',
      RESTART_LIMIT: '3',
      RESTART_WINDOW_MS: '10000',
      BACKOFF_BASE_MS: '12000',
    });
    const backoff = await a.waitForLog('backoff', (e) => e.container === name && e.outcome === 'backoff', 20_000);
    assert.equal(backoff.level, 'warn');
    assert.equal(backoff['backoffMs'], 12_000);
    assert.equal(a.log().filter((e) => e.container === name && e.outcome === 'ok').length, 3, 'three starts, then backoff');
    // After the backoff it is tried again, and not before.
    const backoffEnds = Date.parse(backoff.time) + 12_000;
    const next = await a.waitForLog(
      'a start after the backoff',
      (e) => e.container === name && e.outcome === 'ok' && e.time > backoff.time,
      30_000,
    );
    assert.ok(
      Date.parse(next.time) >= backoffEnds - 100,
      `started again at ${next.time}, the backoff ends at ${new Date(backoffEnds).toISOString()}`,
    );
    const during = a
      .log()
      .filter((e) => e.container === name && e.kind === 'check' && e.time > backoff.time && Date.parse(e.time) < backoffEnds - 100);
    // (A cycle that looked just before its last death may still report it running.)
    assert.ok(
      during.filter((e) => e.verdict === 'down').length >= 2,
      `it stays down, checked, during the backoff: ${during.map((e) => e.verdict).join(', ')}`,
    );
    assert.equal(
      a.log().filter((e) => e.container === name && e.outcome === 'ok' && e.time > backoff.time && Date.parse(e.time) < backoffEnds - 100)
        .length,
      0,
      'no start during the backoff',
    );
  });

  it('the log file holds a line for every check and every action, and SIGTERM loses none (classic verdict: a check line per cycle)', async () => {
    const names = [uniqueName('log-a'), uniqueName('log-b')];
    for (const name of names) await createTarget(name);
    const a = agent({ MONITORED: names.join(','), CHECK_INTERVAL_MS: '300', VERDICT: 'classic' });
    await waitFor('three cycles', () => a.log().filter((e) => e.kind === 'cycle').length >= 3);
    await docker.getContainer(names[0] ?? '').stop({ t: 0 });
    await a.waitForLog('the heal', (e) => e.kind === 'action' && e.outcome === 'ok');
    assert.equal(await a.stop(), 0);
    const log = a.log();
    const cycles = log.filter((e) => e.kind === 'cycle');
    const checks = log.filter((e) => e.kind === 'check');
    assert.equal(
      checks.length,
      cycles.reduce((sum, c) => sum + Number(c['checked']), 0),
      'one check line per container per cycle',
    );
    for (const entry of checks) {
      assert.ok(entry.time && entry.host === 'h1' && entry.container && entry.verdict && entry.reason, JSON.stringify(entry));
      if (entry.verdict === 'ok') assert.equal(typeof entry.lossPercent, 'number');
    }
    const actions = log.filter((e) => e.kind === 'action');
    assert.ok(
      actions.every((e) => e.action && e.outcome && e.reason && e.trigger),
      JSON.stringify(actions),
    );
    assert.equal(log.at(-1)?.message, 'agent stopped', 'the last line is written before the process exits');
  });

  it('a corrupt state file is reported and set aside; the agent runs from its environment', async () => {
    const name = uniqueName('fresh');
    await createTarget(name);
    const dir = mkdtempSync(join(tmpdir(), 'agent-'));
    writeFileSync(join(dir, 'state.json'), '{"monitored": [');
    const a = agent({ MONITORED: name, CHECK_INTERVAL_MS: '300' }, dir);
    const complaint = await a.waitForLog('the complaint', (e) => e.level === 'error' && /unusable/.test(e.message));
    assert.match(complaint.message, /not valid JSON/);
    await a.waitForLog('a check of MONITORED', (e) => e.container === name && e.verdict === 'ok');
    assert.ok(
      readdirSync(dir).some((f) => f.startsWith('state.json.corrupt-')),
      'the bad file is kept for inspection',
    );
  });

  it('stopped while it is still starting (its engine not answering yet), it stops cleanly: exit 0, its log whole', async () => {
    // An engine that takes connections and never answers keeps the agent in its start for as long as the test likes.
    const dir = mkdtempSync(join(tmpdir(), 'agent-'));
    const hung = createServer(() => undefined);
    await new Promise<void>((resolve) => hung.listen(join(dir, 'hung.sock'), resolve));
    try {
      writeFileSync(join(dir, 'state.json'), JSON.stringify({ monitored: ['anything'], threshold: 40 }));
      const a = agent({ DOCKER_HOST: `unix://${join(dir, 'hung.sock')}`, CHECK_INTERVAL_MS: '1000' }, dir);
      await a.waitForLog('its first line', (e) => /^state loaded/.test(e.message));
      const signalledAt = Date.now();
      const code = await a.stop(); // SIGTERM, the moment it has said a word
      const stopMs = Date.now() - signalledAt;
      assert.equal(code, 0, `exit code ${String(code)} (null: killed by the signal, unheard):\n${a.output()}`);
      // Its first cycle waits on the engine (three requests of up to 60 s each): the stop does not.
      assert.ok(stopMs < 10_000, `stopped ${stopMs} ms after SIGTERM: docker stop's grace is 10 s, then SIGKILL`);
      const [stopping, stopped] = a.log().slice(-2);
      assert.equal(stopping?.message, 'agent stopping (SIGTERM)');
      assert.match(stopped?.message ?? '', /^agent stopped after 5000 ms without the end of the cycle or heal in flight/);
    } finally {
      hung.close();
    }
  });

  it('refuses to start on a bad environment value and names it', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'agent/main.ts'], {
      env: { PATH: process.env['PATH'] ?? '', CHECK_INTERVAL_MS: 'soon', LOSS_THRESHOLD: '150', MONITORED: 'ok,/bad' },
      encoding: 'utf8',
      timeout: 20_000,
    });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /CHECK_INTERVAL_MS="soon" must be an integer/);
    assert.match(result.stderr, /LOSS_THRESHOLD="150" must be a number from 0 to 100/);
    assert.match(result.stderr, /MONITORED=.*bad: \/bad/);
  });
});
