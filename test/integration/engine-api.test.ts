/**
 * Engines old and new (issue 28): the agent pins no Docker API version, so it is served by the
 * lab's Engine 20.10 (API 1.41; every other test) and by an engine that refuses clients older
 * than API 1.44 as Engine 29 does. The lab has no Engine 29: lab/engine-gate.ts puts 29's version
 * gate in front of the real engine, which proves what the agent asks for, not 29's answers.
 */
import assert from 'node:assert/strict';
import Docker from 'dockerode';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { createTarget, engine, MAIN_SOCKET, removeRunContainers, state, uniqueName } from '../../lab/docker.js';
import { GATE_API, startEngineGate, type EngineGate } from '../../lab/engine-gate.js';
import { waitFor } from '../../lab/wait.js';

const docker = engine();
let gate: EngineGate;
let agent: AgentProcess | undefined;

before(async () => {
  gate = await startEngineGate(MAIN_SOCKET);
});

after(async () => {
  await agent?.stop();
  await gate?.close();
  await removeRunContainers(docker);
});

it('the gate bites: a client pinned to API 1.41 is refused as Engine 29 refuses it', async () => {
  const pinned = new Docker({ socketPath: gate.socket, version: 'v1.41' });
  await assert.rejects(pinned.listContainers(), /client version 1\.41 is too old\. Minimum supported API version is 1\.44/);
});

it('behind an Engine-29 version gate, the agent names no API version, says what the engine speaks, and heals', async () => {
  const name = uniqueName('gated');
  await createTarget(name);
  const before = await state(name);
  const first = gate.asked.length; // the pinned client's request of the test before
  agent = startAgent({ DOCKER_HOST: gate.url, MONITORED: name, CHECK_INTERVAL_MS: '500' });
  const line = await agent.waitForLog('the engine line', (e) => e['kind'] === 'engine', 20_000);
  assert.match(
    String(line['message']),
    new RegExp(
      `^Docker engine ${GATE_API.Version}, API ${GATE_API.ApiVersion}, oldest it serves ${GATE_API.MinAPIVersion}: the agent pins no API version`,
    ),
  );
  await agent.waitForLog('a check of the container', (e) => e['container'] === name && e['kind'] === 'check', 20_000);
  await docker.getContainer(name).kill();
  await waitFor(
    'the killed container started again through the gate',
    async () => {
      const now = await state(name);
      return now.running && now.startedAt !== before.startedAt;
    },
    20_000,
    100,
  );
  const asked = gate.asked.slice(first);
  assert.ok(
    asked.some((r) => r.method === 'POST' && /^\/containers\/[^/]+\/start$/.test(r.path)),
    `the heal's start went through the gate: ${JSON.stringify(asked)}`,
  );
  assert.deepEqual([...new Set(asked.map((r) => r.version))], ['none'], 'no request named an API version');
});
