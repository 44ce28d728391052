/**
 * The agent's event stream survives the Docker engine restarting: it reconnects, reconciles, and
 * starts the monitored containers that the engine's stop took down. Uses the lab's second engine (h2).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { after, it } from 'node:test';
import { startAgent } from '../../lab/agent-process.js';
import { createTarget, engine, hostSocket, removeRunContainers, state, uniqueName } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const socket = hostSocket(2);
const docker = engine(socket);
const root = new URL('../../', import.meta.url).pathname;

after(() => removeRunContainers(docker));

function engineAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

it('after the engine restarts, the agent reconnects and starts the monitored containers again', async () => {
  const name = uniqueName('survivor');
  await createTarget(name, { docker });
  const agent = startAgent({ MONITORED: name, CHECK_INTERVAL_MS: '600000', DOCKER_HOST: `unix://${socket}`, AGENT_HOSTNAME: 'h2' });
  try {
    await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle');
    const pid = Number(readFileSync('/run/watchdog-lab/h2/docker.pid', 'utf8'));
    process.kill(pid, 'SIGTERM');
    await waitFor('the engine to stop', () => !engineAlive(pid), 30_000, 100);
    await agent.waitForLog('the broken event stream', (e) => /docker event stream/.test(e.message));

    // The lab starts the engine again; meanwhile, note when it first answers.
    const labUp = promisify(execFile)(`${root}scripts/lab-up.sh`, { env: { ...process.env, LAB_HOSTS: '2' } });
    const engineBack = await waitFor(
      'the engine to answer again',
      () =>
        docker.ping().then(
          () => Date.now(),
          () => null,
        ),
      60_000,
      50,
    );
    await labUp;
    // What a user sees: the container runs again on the restarted engine, without anyone starting it.
    await waitFor('the container to run again', async () => (await state(name, docker)).running, 40_000, 200);
    // ...started by the agent (its log line follows the start by a moment), on its reconcile.
    const heal = await agent.waitForLog(
      "the agent's start",
      (e) => e.container === name && e.kind === 'action' && e.outcome === 'ok',
      5_000,
    );
    assert.match(heal.trigger ?? '', /^reconcile: event stream reconnected/);
    const backInMs = Date.parse(heal.time) - engineBack;
    console.log(`engine answering again -> the agent's event stream back and the container started: ${backInMs} ms`);
    assert.ok(backInMs < 5000, `the agent was back ${backInMs} ms after the engine (retries are at most 1 s apart)`);
    assert.equal(agent.child.exitCode, null, 'the agent is still running');
  } finally {
    await agent.stop();
  }
});
