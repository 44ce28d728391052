/**
 * TLS to the broker (amqps://) with the CA the lab made with openssl: control and an agent (with a
 * client certificate) work over it; a CA that did not sign the broker's certificate is refused,
 * and the log says why in the operator's terms.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { LAB_TLS, agentBrokerUrl, brokerUrl, overTls } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { runId } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { waitFor } from '../../lab/wait.js';

const host = `tls-${runId}`;
const started: { stop(): Promise<unknown> }[] = [];

after(async () => {
  await Promise.all(started.map((p) => p.stop()));
  await deleteAgentQueues([host]);
});

describe('TLS to the broker', () => {
  it('control and an agent with a client certificate work over amqps://', async () => {
    const control: ControlProcess = await startControl({ AMQP_URL: overTls(brokerUrl('control')), AMQP_CA_FILE: LAB_TLS.ca });
    started.push(control);
    const agent: AgentProcess = startAgent({
      AMQP_URL: overTls(agentBrokerUrl(host)),
      AMQP_CA_FILE: LAB_TLS.ca,
      AMQP_CERT_FILE: LAB_TLS.cert,
      AMQP_KEY_FILE: LAB_TLS.key,
      AGENT_HOSTNAME: host,
      CHECK_INTERVAL_MS: '1000',
    });
    started.push(agent);
    await waitFor(
      'the agent to be live over TLS',
      async () =>
        (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
      20_000,
      100,
    );
    const put = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, { body: '55' });
    assert.equal(put.status, 200);
    assert.ok(put.body.confirmed.includes(host));
    assert.match(control.output(), /bus connected to amqps:\/\/control:\*\*\*@localhost:5671/);
  });

  it("a CA that did not sign the broker's certificate is refused, with a clear error", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wrong-ca-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=not the lab CA',
        '-keyout',
        join(dir, 'ca.key'),
        '-out',
        join(dir, 'ca.pem'),
      ],
      { stdio: 'ignore' },
    );
    const control = await startControl({ AMQP_URL: overTls(brokerUrl('control')), AMQP_CA_FILE: join(dir, 'ca.pem') });
    started.push(control);
    await waitFor(
      'the refusal in the log',
      () =>
        /bus connect to amqps:\/\/control:\*\*\*@localhost:5671 failed: .*certificate.* \(the broker's certificate is not signed by a CA this side trusts: set AMQP_CA_FILE to the CA that signed it\)/.test(
          control.output(),
        ),
      10_000,
      100,
    );
    const health = await http<{ bus: string }>('GET', `${control.url}/health`);
    assert.equal(health.status, 503);
    assert.equal(health.body.bus, 'disconnected');
  });
});
