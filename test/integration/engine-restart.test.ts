/**
 * The agent's event stream survives the Docker engine restarting: it reconnects, reconciles, and
 * starts the monitored containers that the engine's stop took down. Uses the lab's second engine (h2).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, it } from 'node:test';
import { startAgent } from '../support/agent-process.js';
import { createTarget, engine, hostSocket, removeRunContainers, state, uniqueName, waitFor } from '../support/lab.js';

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

    execFileSync(`${root}scripts/lab-up.sh`, { env: { ...process.env, LAB_HOSTS: '2' }, stdio: 'ignore' });
    await agent.waitForLog('the reconcile', (e) => /reconciling/.test(e.message), 30_000);
    const heal = await agent.waitForLog('the start', (e) => e.container === name && e.kind === 'action' && e.outcome === 'ok', 10_000);
    assert.match(heal.trigger ?? '', /^reconcile/);
    assert.equal((await state(name, docker)).running, true);
    assert.notEqual(agent.child.exitCode, 1);
  } finally {
    await agent.stop();
  }
});
