/**
 * The lab broker's users, as tests log in: `scripts/lab-up.sh` made lab-admin, control and the
 * antagonist (passwords in /var/lib/watchdog-lab/broker); an agent's user, `agent-<hostname>`,
 * is made here through the management API the first time a test needs it, with the permissions of
 * `bus/identity.ts`, and removed again with the host's queues.
 */
import { createHmac } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { agentPermissions, agentTopicPermissions, agentUser } from '../bus/identity.js';

export const BROKER_SECRETS = '/var/lib/watchdog-lab/broker';
const MANAGEMENT = 'http://127.0.0.1:15672/api';

const password = (user: 'lab-admin' | 'control' | 'antagonist'): string => readFileSync(`${BROKER_SECRETS}/${user}`, 'utf8').trim();

/** The URL a lab service logs in with. */
export const brokerUrl = (user: 'lab-admin' | 'control' | 'antagonist', port = 5672): string =>
  `amqp://${user}:${password(user)}@127.0.0.1:${port}`;

/** An agent host's password: derived from the lab's admin secret, so every test process agrees on it. */
const agentPassword = (hostname: string): string =>
  `p${createHmac('sha256', password('lab-admin')).update(agentUser(hostname)).digest('base64url')}`; // never a leading '-', which rabbitmqctl would read as an option

const made = new Set<string>();

/** The URL an agent on `hostname` logs in with; its broker user is made first (synchronously: agents start synchronously). */
export function agentBrokerUrl(hostname: string, port = 5672): string {
  if (!made.has(hostname)) {
    const calls = [
      ['PUT', `/users/${encodeURIComponent(agentUser(hostname))}`, { password: agentPassword(hostname), tags: '' }],
      ['PUT', `/permissions/%2F/${encodeURIComponent(agentUser(hostname))}`, agentPermissions(hostname)],
      ['PUT', `/topic-permissions/%2F/${encodeURIComponent(agentUser(hostname))}`, agentTopicPermissions(hostname)],
    ];
    management(calls);
    made.add(hostname);
  }
  return `amqp://${agentUser(hostname)}:${agentPassword(hostname)}@127.0.0.1:${port}`;
}

/** Removes the agents' broker users of these hosts. */
export function forgetAgentUsers(hostnames: string[]): void {
  management(
    hostnames.map((h) => ['DELETE', `/users/${encodeURIComponent(agentUser(h))}`, null]),
    true,
  );
  for (const h of hostnames) made.delete(h);
}

/** Runs management API calls in a child node (fetch is asynchronous; this must not be). */
function management(calls: (string | object | null)[][], ignoreMissing = false): void {
  const script = `
    const auth = 'Basic ' + Buffer.from(process.env.WHO).toString('base64');
    (async () => {
      for (const [method, path, body] of JSON.parse(process.env.CALLS)) {
        const response = await fetch(${JSON.stringify(MANAGEMENT)} + path, { method, headers: { authorization: auth, 'content-type': 'application/json' }, body: body === null ? undefined : JSON.stringify(body) });
        if (!response.ok && !(process.env.IGNORE_MISSING && response.status === 404)) throw new Error(method + ' ' + path + ': ' + response.status + ' ' + await response.text());
      }
    })().catch((error) => { console.error(error.message); process.exit(1); });`;
  execFileSync(process.execPath, ['-e', script], {
    env: { WHO: `lab-admin:${password('lab-admin')}`, CALLS: JSON.stringify(calls), IGNORE_MISSING: ignoreMissing ? '1' : '' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

/** The lab's TLS files (`scripts/lab-up.sh`): its CA, and a client certificate and key it signed. */
export const LAB_TLS = {
  ca: '/var/lib/watchdog-lab/tls/ca.pem',
  cert: '/var/lib/watchdog-lab/tls/client.pem',
  key: '/var/lib/watchdog-lab/tls/client.key',
};

/** The same login over TLS: amqps:// on 5671, by the name the broker's certificate carries. */
export const overTls = (url: string): string => url.replace(/^amqp:\/\/(.*)@127\.0\.0\.1:5672/, 'amqps://$1@localhost:5671');
