/**
 * Heal history in RabbitMQ's stream, as an operator reads it: after a kill, GET /events lists the
 * death and the heal with its reason and duration, also after control and the agent were
 * restarted; GET /events/live pushes the heal as it happens; bad queries are a 400 naming the rule.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, removeRunContainers, runId, state, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor } from '../../lab/wait.js';
import type { ErrorBody, Event, EventPage } from '../../api/contract.generated.js';

const hostname = `events-${runId}`;
const name = uniqueName('recorded');
const docker = engine();
let control: ControlProcess;
let agent: AgentProcess;
const agentEnv = { AMQP_URL: agentBrokerUrl(hostname), AGENT_HOSTNAME: hostname, MONITORED: name, CHECK_INTERVAL_MS: '1000' };

const events = async (query: string): Promise<Event[]> => {
  const { status, body } = await http<EventPage>('GET', `${control.url}/events?host=${hostname}&${query}`);
  assert.equal(status, 200, JSON.stringify(body));
  return body.events;
};

before(async () => {
  await createTarget(name);
  control = await startControl();
  agent = startAgent(agentEnv);
  await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle');
});

after(async () => {
  await agent?.stop();
  await control?.stop();
  await deleteAgentQueues([hostname]);
  await removeRunContainers(docker);
});

let killedAt = 0;

it('GET /events/live pushes the heal of a killed container within 1 s of it', async () => {
  // A control that just started first reads the stream's history (7 days of it on a lab that ran
  // floods); a new event comes after that. GET /events answers once it has read to the end.
  await events('limit=1');
  const abort = new AbortController();
  const response = await fetch(`${control.url}/events/live?host=${hostname}&type=heal`, { signal: abort.signal });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const reader = response.body?.getReader();
  assert.ok(reader);
  const before = await state(name, docker);
  killedAt = Date.now();
  await docker.getContainer(name).kill();
  let text = '';
  const decoder = new TextDecoder();
  const heal = await waitFor(
    'the heal on the live stream',
    async () => {
      const { value } = await reader.read();
      text += decoder.decode(value ?? new Uint8Array(), { stream: true });
      const data = /event: heal\ndata: (.*)\n\n/.exec(text)?.[1];
      return data ? { event: JSON.parse(data) as Event, receivedAt: Date.now() } : undefined;
    },
    10_000,
    0,
  );
  abort.abort();
  const running = await state(name, docker);
  assert.ok(running.running && running.startedAt !== before.startedAt, 'it was healed');
  assert.equal(heal.event.container, name);
  assert.equal(heal.event.outcome, 'ok');
  const healedAt = Date.parse(heal.event.at) + (heal.event.durationMs ?? 0);
  assert.ok(heal.receivedAt - healedAt < 1000, `pushed ${heal.receivedAt - healedAt} ms after the heal ended`);
});

it('GET /events lists the death and the heal, newest first, with reason and duration', async () => {
  const listed = await waitFor(
    'the death and the heal',
    async () => {
      const found = await events(`container=${name}&type=heal,death&since=${new Date(killedAt - 1000).toISOString()}`);
      return found.length >= 2 ? found : undefined;
    },
    5_000,
    100,
  );
  const [heal, death] = listed;
  assert.equal(heal?.type, 'heal');
  assert.equal(death?.type, 'death');
  assert.ok(Number(heal?.id) > Number(death?.id), 'newest first, by stream offset');
  assert.equal(death?.exitCode, 137, 'killed: SIGKILL');
  assert.equal(heal?.action, 'start');
  assert.equal(heal?.trigger, 'event: die');
  assert.match(heal?.reason ?? '', /container is exited/);
  assert.ok((heal?.durationMs ?? 0) > 0 && (heal?.durationMs ?? 0) < 10_000);
});

it('the events survive a restart of control and of the agent', async () => {
  const before = await events(`container=${name}&type=heal,death`);
  await agent.stop();
  await control.stop();
  control = await startControl();
  agent = startAgent(agentEnv, agent.dir);
  // GET /events waits at most 5 s for control to read the stream's history; on a lab with a long one, ask until it has.
  const after = await waitFor(
    'the events read again',
    async () => {
      const found = await events(`container=${name}&type=heal,death`);
      return found.length >= before.length ? found : undefined;
    },
    30_000,
    200,
  );
  assert.deepEqual(after.slice(-before.length), before, 'the same events, the same ids');
});

it('pages newest first with a cursor, and filters by type', async () => {
  const first = await http<EventPage>('GET', `${control.url}/events?host=${hostname}&limit=1`);
  assert.equal(first.body.events.length, 1);
  assert.ok(first.body.next, 'there are more');
  const second = await http<EventPage>('GET', `${control.url}/events?host=${hostname}&limit=1&before=${first.body.next}`);
  assert.ok(Number(second.body.events[0]?.id) < Number(first.body.events[0]?.id));
  assert.ok((await events('type=death')).every((e) => e.type === 'death'));
});

it('bad queries are a 400 naming the rule', async () => {
  const cases: [string, RegExp][] = [
    ['limit=100000', /limit: must be <= 1000/],
    ['limit=0', /limit: must be >= 1/],
    ['since=yesterday', /since: must be a date-time/],
    ['since=2026-11-25T12:00:00Z&until=2026-11-25T11:00:00Z', /since: must not be after until/],
    ['type=explosion', /type: must match pattern/],
    ['before=abc', /before: must match pattern/],
    ['colour=red', /colour: is not a parameter of this call/],
  ];
  for (const [query, rule] of cases) {
    const { status, body } = await http<ErrorBody>('GET', `${control.url}/events?${query}`);
    assert.equal(status, 400, query);
    assert.match(body.message, rule, query);
  }
});
