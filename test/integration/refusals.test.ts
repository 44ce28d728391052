/**
 * An agent that reads a command and refuses it is a refusal in the API's answer, for every command
 * kind: here its state disk is full (a 64 KB tmpfs filled to the last byte), with a real agent,
 * RabbitMQ and control.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { waitFor, quietFor } from '../../lab/wait.js';

const host = `full-${runId}`;
const disk = mkdtempSync(join(tmpdir(), 'full-disk-'));
const name = uniqueName('web');
let control: ControlProcess;
let agent: AgentProcess;

before(async () => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', disk]);
  await createTarget(name);
  control = await startControl();
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(host),
    AGENT_HOSTNAME: host,
    CHECK_INTERVAL_MS: '500',
    LOSS_THRESHOLD: '60',
    STATE_FILE: join(disk, 'state.json'),
  });
  await waitFor(
    'the agent to be live',
    async () =>
      (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
    20_000,
    100,
  );
  // Fill the disk: the agent's next save fails with ENOSPC.
  try {
    writeFileSync(join(disk, 'filler'), Buffer.alloc(1024 * 1024));
  } catch {
    // ENOSPC: full, as wanted
  }
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  execFileSync('umount', [disk]);
  await deleteAgentQueues([host]);
  await removeRunContainers();
});

describe('a command the agent refuses (its state disk is full)', () => {
  it('PUT /threshold answers 502 with the host and its reason, and the threshold stays', async () => {
    const put = await http<{ error: string; message: string }>('PUT', `${control.url}/threshold`, { body: '30' });
    assert.equal(put.status, 502);
    assert.equal(put.body.error, 'agent_failed');
    assert.match(put.body.message, new RegExp(`host ${host} refused it: could not save the threshold: .*ENOSPC`));
    await quietFor(2500, 'a heartbeat period: it would show a change');
    const hosts = (await http<{ hostname: string; threshold: number }[]>('GET', `${control.url}/hosts`)).body;
    assert.equal(hosts.find((h) => h.hostname === host)?.threshold, 60);
  });

  it('monitor, policy and dry-run are refused the same way', async () => {
    const monitor = await http<{ error: string; message: string }>('POST', `${control.url}/containers/${host}/${name}`);
    assert.deepEqual([monitor.status, monitor.body.error], [502, 'agent_failed']);
    assert.match(monitor.body.message, /ENOSPC/);
    const policy = await http<{ error: string; message: string }>('PUT', `${control.url}/containers/${host}/${name}/policy`, {
      body: '{"threshold":10}',
    });
    assert.deepEqual([policy.status, policy.body.error], [502, 'agent_failed']);
    const dry = await http<{ refused: { hostname: string; message: string }[] }>('PUT', `${control.url}/dry-run`, {
      body: JSON.stringify({ dryRun: true, hostname: host }),
    });
    assert.equal(dry.status, 409);
    assert.match(dry.body.refused[0]?.message ?? '', /ENOSPC/);
  });
});
