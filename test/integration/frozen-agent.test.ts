/**
 * A frozen agent (SIGSTOP), as issue 26 found it: control never answers 200 for a change nobody
 * confirmed, names the silent host in GET /containers, and the command it could not confirm is
 * applied when the agent wakes, told by a command event with the id the 504 named.
 */
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor } from '../../lab/wait.js';

const host = `frozen-${runId}`;
const name = uniqueName('frozen');
let control: ControlProcess;
let agent: AgentProcess;

type Hosts = { hostname: string; live: boolean; threshold: number }[];
type ErrorBody = { error: string; message: string; commandId?: string };
const hostNow = async () => (await http<Hosts>('GET', `${control.url}/hosts`)).body.find((h) => h.hostname === host);

before(async () => {
  await createTarget(name);
  control = await startControl({ GATHER_TIMEOUT_MS: '1500', HOST_TIMEOUT_MS: '3000' });
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(host),
    AGENT_HOSTNAME: host,
    MONITORED: name,
    CHECK_INTERVAL_MS: '1000',
    LOSS_THRESHOLD: '60',
  });
  await control.hostsLive([host]);
});

after(async () => {
  agent?.child.kill('SIGCONT');
  await Promise.all([agent?.stop(), control?.stop()]);
  await deleteAgentQueues([host]);
  await removeRunContainers();
});

it('frozen: 504 naming the command while the host is still live, 503 once it is silent, the silent host named; on waking the command is applied and told', async () => {
  agent.child.kill('SIGSTOP');
  const unconfirmed = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '42' });
  assert.equal(unconfirmed.status, 504, JSON.stringify(unconfirmed.body));
  assert.equal(unconfirmed.body.error, 'not_confirmed');
  const commandId = unconfirmed.body.commandId ?? '';
  assert.match(commandId, /^[0-9a-f-]{36}$/);

  await waitFor('the host to fall silent', async () => (await hostNow())?.live === false, 10_000, 100);
  const nobody = await http<ErrorBody>('PUT', `${control.url}/threshold`, { body: '43' });
  assert.deepEqual([nobody.status, nobody.body.error], [503, 'no_live_agent'], 'never 200 with nobody confirming');
  assert.match(nobody.body.message, new RegExp(`nothing was sent \\(silent: [^)]*${host}`));
  assert.equal((await http<ErrorBody>('PUT', `${control.url}/dry-run`, { body: '{"dryRun":true}' })).status, 503);
  const list = await http<unknown[]>('GET', `${control.url}/containers`);
  assert.equal(list.status, 200);
  assert.ok(
    (list.headers.get('x-silent-hosts') ?? '').split(',').includes(host),
    `X-Silent-Hosts: ${list.headers.get('x-silent-hosts') ?? ''}`,
  );

  agent.child.kill('SIGCONT');
  type Page = { events: { commandId?: string; outcome?: string; detail?: string }[] };
  const told = await waitFor(
    'the woken agent to tell the command it applied',
    async () =>
      (await http<Page>('GET', `${control.url}/events?type=command&host=${host}`)).body.events.find((e) => e.commandId === commandId),
    20_000,
    200,
  );
  assert.equal(told.outcome, undefined, 'applied (a refusal would say outcome: failed)');
  assert.equal(
    await waitFor('the threshold in its heartbeat', async () => ((await hostNow())?.threshold === 42 ? 42 : null), 10_000, 100),
    42,
    'the 504 command was applied; the 503 ones were never sent',
  );
});
