/** The agent's broker identity as its configuration checks it: the URL's user must be the host's own. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readAgentConfig } from '../../agent/config.js';

const base = { AGENT_HOSTNAME: 'h1', PROBER: 'ping' };
const refusal = (env: Record<string, string>): string => {
  try {
    readAgentConfig({ ...base, ...env });
    return 'accepted';
  } catch (error) {
    return (error as Error).message;
  }
};

describe('agent configuration: the broker user', () => {
  it('accepts agent-<hostname>, with CONTROL_USER control by default', () => {
    const config = readAgentConfig({ ...base, AMQP_URL: 'amqps://agent-h1:s3cret@broker:5671' });
    assert.equal(config.controlUser, 'control');
    assert.equal(readAgentConfig({ ...base, AMQP_URL: 'amqp://agent-h1:x@broker', CONTROL_USER: 'ops' }).controlUser, 'ops');
  });

  it('refuses another user, naming the one it needs and never showing the password', () => {
    const message = refusal({ AMQP_URL: 'amqp://guest:hunter2@broker:5672' });
    assert.match(
      message,
      /AMQP_URL="amqp:\/\/guest:\*\*\*@broker:5672" must log in as the broker user agent-h1 \(control believes this host's heartbeats and answers only from that user\), not guest/,
    );
    assert.doesNotMatch(message, /hunter2/);
    assert.match(refusal({ AMQP_URL: 'amqp://agent-h2:x@broker' }), /not agent-h2/);
    assert.match(refusal({ AMQP_URL: 'http://agent-h1:x@broker' }), /must be an amqp:\/\/ or amqps:\/\/ URL/);
  });
});

describe('agent configuration: TLS to the broker', () => {
  it('reads the CA, certificate and key files of an amqps:// URL', () => {
    const file = new URL(import.meta.url).pathname; // any readable file will do
    const config = readAgentConfig({
      ...base,
      AMQP_URL: 'amqps://agent-h1:x@broker:5671',
      AMQP_CA_FILE: file,
      AMQP_CERT_FILE: file,
      AMQP_KEY_FILE: file,
    });
    assert.deepEqual(Object.keys(config.brokerTls).sort(), ['ca', 'cert', 'key']);
  });

  it('refuses files it cannot read, TLS files without amqps://, and a certificate without its key', () => {
    assert.match(
      refusal({ AMQP_URL: 'amqps://agent-h1:x@broker', AMQP_CA_FILE: '/nonexistent/ca.pem' }),
      /AMQP_CA_FILE="\/nonexistent\/ca.pem" cannot be read \(ENOENT\)/,
    );
    const file = new URL(import.meta.url).pathname;
    assert.match(
      refusal({ AMQP_URL: 'amqp://agent-h1:x@broker', AMQP_CA_FILE: file }),
      /AMQP_CA_FILE=.* needs an amqps:\/\/ AMQP_URL \(TLS\)/,
    );
    assert.match(
      refusal({ AMQP_URL: 'amqps://agent-h1:x@broker', AMQP_CERT_FILE: file }),
      /AMQP_KEY_FILE="" and AMQP_CERT_FILE go together/,
    );
  });
});

describe('agent configuration: a cluster', () => {
  it('takes the nodes as a list, one user on all, and shows none of the passwords when it refuses', () => {
    assert.equal(
      readAgentConfig({ ...base, AMQP_URL: 'amqp://agent-h1:a@n1:5672,amqp://agent-h1:a@n2:5672' }).amqpUrl,
      'amqp://agent-h1:a@n1:5672,amqp://agent-h1:a@n2:5672',
    );
    const message = refusal({ AMQP_URL: 'amqp://agent-h1:secret1@n1,amqp://other:secret2@n2' });
    assert.match(message, /must log in as the same user on every node/);
    assert.doesNotMatch(message, /secret/);
  });
});

describe('listen addresses: loopback unless told (issue 26 #7)', () => {
  it("the agent's /metrics and control's API listen on 127.0.0.1 by default; another address must be an IP", async () => {
    const { readControlConfig } = await import('../../control/config.js');
    assert.equal(readAgentConfig({ ...base, AMQP_URL: 'amqp://agent-h1:x@broker' }).metricsAddress, '127.0.0.1');
    assert.equal(readAgentConfig({ ...base, AMQP_URL: 'amqp://agent-h1:x@broker', METRICS_ADDRESS: '0.0.0.0' }).metricsAddress, '0.0.0.0');
    assert.match(
      refusal({ AMQP_URL: 'amqp://agent-h1:x@broker', METRICS_ADDRESS: 'everywhere' }),
      /METRICS_ADDRESS.*must be an IP address to listen on/,
    );
    assert.equal(readControlConfig({}).listenAddress, '127.0.0.1');
    assert.equal(readControlConfig({ LISTEN_ADDRESS: '::' }).listenAddress, '::');
    assert.throws(() => readControlConfig({ LISTEN_ADDRESS: 'localhost:8080' }), /LISTEN_ADDRESS.*must be an IP address to listen on/);
  });

  it('control refuses API_READ_TOKEN without API_TOKEN (reads closed, changes open)', async () => {
    const { readControlConfig } = await import('../../control/config.js');
    assert.throws(() => readControlConfig({ API_READ_TOKEN: 'r' }), /API_READ_TOKEN="\*\*\*" needs a token that may change things too/);
    assert.equal(readControlConfig({ API_READ_TOKEN: 'r', API_TOKEN: 'w' }).apiReadToken, 'r');
    assert.deepEqual(
      readControlConfig({ API_READ_TOKEN: 'r', API_TOKEN: 'w' }).tokens.map((t) => `${t.name}:${t.role}`),
      ['api:admin', 'api-read:read'],
    );
    assert.throws(() => readControlConfig({ API_TOKENS_FILE: '/no/such/file' }), /API_TOKENS_FILE="\*\*\*" cannot be read \(ENOENT\)/);
  });

  it('control refuses EVENTS_MEMORY_LIMIT (a count), naming what replaced it', async () => {
    const { readControlConfig } = await import('../../control/config.js');
    assert.throws(() => readControlConfig({ EVENTS_MEMORY_LIMIT: '1000' }), /EVENTS_MEMORY_LIMIT.*set EVENTS_MEMORY_MB/);
    assert.equal(readControlConfig({ EVENTS_MEMORY_MB: '2' }).eventsMemoryBytes, 2 * 1024 * 1024);
  });
});
