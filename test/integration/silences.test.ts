/**
 * Silences (maintenance windows, issue 28) on the lab: a silence holds heals for its pattern only
 * and tells each held heal once (`silenced`, naming the silence); it outlives a restart of control
 * (kept on the events stream) and of the agent (kept in its state file); a host heard after it was
 * made gets it; it ends on its own at `until`, or with DELETE, and held containers are healed
 * then. One with heal: true lets heals go on and holds their webhooks; one with notify: true sends
 * its held heals as webhooks, one without sends none. Real engine, RabbitMQ,
 * agents and control; a local HTTP receiver for the webhooks.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, engine, hostSocket, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { quietFor, waitFor } from '../../lab/wait.js';

interface Silence {
  id: string;
  containers: string;
  until: string;
  heal: boolean;
  notify: boolean;
  by: string;
  hosts?: string[];
}
interface SilenceResult {
  silence: Silence;
  confirmed: string[];
  unconfirmed: string[];
}
interface Event {
  type: string;
  host: string;
  container?: string;
  silenceId?: string;
  command?: string;
  by?: string;
  to?: string;
  outcome?: string;
}

const host = `sil-${runId}`;
const late = `sil-late-${runId}`;
const docker = engine();
const hooks: { kind?: string; container?: string; text?: string }[] = [];
const agentDir = mkdtempSync(join(tmpdir(), 'silence-agent-'));
const agentEnv = { AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, CHECK_INTERVAL_MS: '500' };
let server: Server;
let controlEnv: Record<string, string>;
let control: ControlProcess;
const agents: AgentProcess[] = [];
/** The silences this run made: removed at the end (the stream would keep them in force for other tests). */
const ours: string[] = [];

const events = async (query: string): Promise<Event[]> =>
  (await http<{ events: Event[] }>('GET', `${control.url}/events?${query}`)).body.events;
const silence = async (body: object): Promise<SilenceResult> => {
  const answer = await http<SilenceResult>('POST', `${control.url}/silences`, {
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(answer.status, 201, JSON.stringify(answer.body));
  return answer.body;
};
const restartedAfter = async (name: string, since: string): Promise<boolean> => {
  const now = await state(name);
  return now.running && now.startedAt !== since;
};

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push(JSON.parse(body) as { kind?: string; container?: string; text?: string });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  controlEnv = {
    WEBHOOKS: JSON.stringify([{ url, format: 'json', on: ['heal', 'notify'], hosts: [host] }]),
    WEBHOOK_RATE_LIMIT_MS: '1000',
  };
  control = await startControl(controlEnv);
  agents.push(startAgent(agentEnv, agentDir));
  await control.hostsLive([host]);
});

after(async () => {
  for (const id of ours) await http('DELETE', `${control.url}/silences/${id}`).catch(() => undefined);
  for (const a of agents) await a.stop();
  await control?.stop();
  server?.close();
  await deleteAgentQueues([host, late]);
  await removeRunContainers(docker);
});

it('a silence holds heals for its pattern only, outlives control and agent restarts, reaches a host heard later, and ends by DELETE or at until', async () => {
  const monitored = { labels: { 'watchdog.monitor': 'true' } };
  const held = uniqueName('held');
  const free = uniqueName('free');
  const quiet = uniqueName('quiet');
  const brief = uniqueName('brief');
  for (const name of [held, free, quiet, brief]) await createTarget(name, monitored);
  await waitFor(
    'the agent to monitor all four',
    async () => {
      const names = new Set((await agents[0]!.log()).map((e) => e['container']));
      return [held, free, quiet, brief].every((n) => names.has(n));
    },
    20_000,
    100,
  );

  // Every host (no `hosts`): the late host must get it too. A pattern, not a name.
  const now = Date.now();
  const a = await silence({ containers: `${held}*`, until: new Date(now + 120_000).toISOString(), reason: 'maintenance of held' });
  assert.deepEqual(a.confirmed, [host]);
  assert.equal(a.silence.heal, false);
  const b = await silence({ hosts: [host], containers: quiet, until: new Date(now + 120_000).toISOString(), reason: 'noisy', heal: true });
  const briefUntil = now + 25_000;
  // Heals held, notifications sent: its held heal comes as a webhook.
  const c = await silence({
    hosts: [host],
    containers: brief,
    until: new Date(briefUntil).toISOString(),
    reason: 'short window',
    notify: true,
  });
  ours.push(a.silence.id, b.silence.id, c.silence.id);
  // The stream keeps every silence until it ends: earlier runs' may still be in force.
  const listed = (await http<Silence[]>('GET', `${control.url}/silences`)).body.map((s) => s.id).filter((id) => ours.includes(id));
  assert.deepEqual(listed, [c.silence.id, ...[a.silence.id, b.silence.id].sort()], 'soonest to end first');

  const before = Object.fromEntries(await Promise.all([held, free, quiet, brief].map(async (n) => [n, (await state(n)).startedAt])));
  const hooksBefore = hooks.length; // a heal found as they were created (already running) may be told before the silences
  for (const name of [held, free, quiet, brief]) await docker.getContainer(name).kill();
  await waitFor(
    'free and quiet healed',
    async () => (await restartedAfter(free, before[free]!)) && (await restartedAfter(quiet, before[quiet]!)),
    15_000,
    100,
  );
  const told = await waitFor(
    'the held heal told as silenced, naming its silence',
    async () => (await events(`host=${host}&container=${held}&type=silenced`))[0],
    10_000,
    200,
  );
  assert.equal(told.silenceId, a.silence.id);
  await waitFor(
    'the heal webhook of free',
    () => hooks.slice(hooksBefore).some((h) => h.kind === 'heal' && h.container === free),
    10_000,
    100,
  );
  const notice = await waitFor(
    "brief's held heal as a webhook (its silence says notify)",
    () => hooks.slice(hooksBefore).find((h) => h.kind === 'notify' && h.container === brief),
    10_000,
    100,
  );
  assert.match(notice.text ?? '', new RegExp(`would start, not done \\(held by silence ${c.silence.id} until`));
  await quietFor(3000, "more checks find held and brief down; quiet's heal webhook would have come with free's");
  assert.equal(hooks.slice(hooksBefore).filter((h) => h.container === held).length, 0, "held's silence holds its webhooks too");
  assert.equal((await state(held)).running, false, 'held: left down');
  assert.equal((await state(brief)).running, false, 'brief: left down');
  assert.equal(
    hooks.slice(hooksBefore).filter((h) => h.container === quiet).length,
    0,
    `heal: true healed quiet and held its webhook: ${JSON.stringify(hooks)}`,
  );
  assert.equal((await events(`host=${host}&container=${held}&type=silenced`)).length, 1, 'told once');

  // Control restarts: the silences are read back from the stream.
  await control.stop();
  control = await startControl(controlEnv);
  await control.hostsLive([host]);
  const afterRestart = (await http<Silence[]>('GET', `${control.url}/silences`)).body.map((s) => s.id).filter((id) => ours.includes(id));
  assert.deepEqual(afterRestart.sort(), [a.silence.id, b.silence.id, c.silence.id].sort());

  // The agent restarts: its state file keeps them; held stays down.
  await agents[0]!.stop();
  agents[0] = startAgent(agentEnv, agentDir);
  await control.hostsLive([host]);
  await waitFor(
    'the new agent to look at held',
    async () => (await agents[0]!.log()).some((e) => e['container'] === held && e['outcome'] === 'silenced'),
    15_000,
    200,
  );
  assert.equal((await state(held)).running, false, 'held: still left down after the agent restarted');

  // A host heard after the silence was made gets it (control sees its heartbeat's digest differ).
  // On the lab's second engine: two agents on one engine would both heal the labelled containers.
  agents.push(
    startAgent({ AMQP_URL: agentBrokerUrl(late), AGENT_HOSTNAME: late, CHECK_INTERVAL_MS: '500', DOCKER_HOST: `unix://${hostSocket(2)}` }),
  );
  await control.hostsLive([late]);
  const sent = await waitFor(
    'the late host to apply the silences',
    async () => (await events(`host=${late}&type=command`)).find((e) => e.command === 'silences'),
    20_000,
    200,
  );
  assert.equal(sent.by, 'control');

  // brief's silence ends at its until: healed then, not before.
  await waitFor('brief started once its silence ended', () => restartedAfter(brief, before[brief]!), briefUntil - Date.now() + 15_000, 200);
  assert.ok(
    Date.parse((await state(brief)).startedAt) >= briefUntil - 1000,
    `not started before its silence ended (${new Date(briefUntil).toISOString()}): ${JSON.stringify((await agents[0]!.log()).filter((e) => e['container'] === brief).map((e) => [e['time'], e['message']]))}`,
  );

  // DELETE ends a silence now: held is healed.
  const removed = await http<SilenceResult>('DELETE', `${control.url}/silences/${a.silence.id}`);
  assert.equal(removed.status, 200);
  assert.deepEqual(removed.body.confirmed, [host, late].sort());
  await waitFor('held started once its silence was removed', () => restartedAfter(held, before[held]!), 15_000, 100);
  const gone = await http<{ error: string }>('DELETE', `${control.url}/silences/${a.silence.id}`);
  assert.equal(gone.status, 404);
  assert.equal(gone.body.error, 'unknown_silence');
  const records = (await events('host=control&type=silence')).filter((e) => e.to === 'removed');
  assert.ok(records.length >= 1, 'the removal is recorded on the stream');
});
