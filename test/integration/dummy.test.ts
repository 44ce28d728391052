/** The dummy image: its loss module really drops its replies, says which method it used, and it stops at once. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, it } from 'node:test';
import { engine, removeRunContainers, RUN_LABEL, runId, uniqueName } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const docker = engine();
after(() => removeRunContainers(docker));

it('a dummy sets its own packet loss (netem where the kernel has it, else iptables) and exits promptly on docker stop', async () => {
  const name = uniqueName('dummy');
  const container = await docker.createContainer({
    name,
    Image: 'container-watchdog/dummy:latest',
    Env: ['DUMMY_LOSS_INTERVAL_MS=500', 'LOSS_MIN=100', 'LOSS_MAX=100', 'DUMMY_TICK_MS=500'],
    Labels: { [RUN_LABEL]: runId },
    HostConfig: { CapAdd: ['NET_ADMIN'] },
  });
  await container.start();
  const logs = async () => (await container.logs({ stdout: true, stderr: true })).toString('utf8');
  await waitFor('the loss module to act', async () => /outgoing packet loss set to 100% with (netem|iptables)/.test(await logs()), 10_000);
  assert.match(await logs(), /started at \d{4}-/);
  const ip = (await container.inspect()).NetworkSettings.Networks['bridge']?.IPAddress ?? '';
  const ping = (() => {
    try {
      return execFileSync('ping', ['-n', '-q', '-c', '5', '-i', '0.2', '-W', '1', ip], { encoding: 'utf8' });
    } catch (error) {
      return String((error as { stdout?: string }).stdout);
    }
  })();
  assert.match(ping, / 100% packet loss/);
  const started = Date.now();
  await container.stop({ t: 10 });
  assert.ok(Date.now() - started < 3_000, `stopped in ${Date.now() - started} ms; a PID 1 that ignored SIGTERM would take 10 s`);
  assert.match(await logs(), /SIGTERM, exiting/);
});
