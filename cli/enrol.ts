/**
 * Adding a Docker host to the fleet, and taking it away, through RabbitMQ's management API: the
 * host's own broker user with the least it needs (bus/identity.ts: its two queues, the three
 * exchanges it publishes to, only its own routing keys), and what the host needs to run its agent
 * (an env file for docker-compose.agent.yml). Removing deletes the user (RabbitMQ closes its
 * connections) and the host's queues.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { hostname as thisMachine } from 'node:os';
import { join } from 'node:path';
import { agentPermissions, agentTopicPermissions, agentUser } from '../bus/identity.js';
import { agentQueries, agentQueue } from '../bus/topology.js';
import { CliError, EXIT } from './client.js';

export interface Management {
  url: string;
  user: string;
  password: string;
}

/** RABBITMQ_MANAGEMENT_URL, RABBITMQ_ADMIN_USER, RABBITMQ_ADMIN_PASSWORD; else the stack npm start made. */
export function management(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Management {
  const url = (env['RABBITMQ_MANAGEMENT_URL'] ?? 'http://localhost:15673').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url)) throw new CliError(`RABBITMQ_MANAGEMENT_URL must be an http(s) URL (got "${url}")`, EXIT.refused);
  const user = env['RABBITMQ_ADMIN_USER'] ?? 'admin';
  let password = env['RABBITMQ_ADMIN_PASSWORD'];
  if (!password) {
    try {
      password = readFileSync(join(cwd, '.secrets', 'broker-admin'), 'utf8').trim();
    } catch {
      throw new CliError(
        "set RABBITMQ_ADMIN_PASSWORD (the broker administrator's; npm start keeps it in .secrets/broker-admin)",
        EXIT.refused,
      );
    }
  }
  return { url, user, password };
}

/** A hostname as the bus contract allows it (asyncapi.yaml Hostname). */
const HOSTNAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;

async function api(m: Management, method: string, path: string, body?: object): Promise<Response> {
  try {
    return await fetch(`${m.url}/api${path}`, {
      method,
      headers: { Authorization: `Basic ${Buffer.from(`${m.user}:${m.password}`).toString('base64')}`, 'Content-Type': 'application/json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(15_000),
    });
  } catch (error) {
    throw new CliError(
      `cannot reach RabbitMQ's management API at ${m.url} (${(error as Error).message}): set RABBITMQ_MANAGEMENT_URL`,
      EXIT.unreachable,
    );
  }
}

async function must(response: Response, what: string): Promise<void> {
  if (response.ok) return;
  if (response.status === 401)
    throw new CliError(
      `RabbitMQ refused the administrator's login (${what}): check RABBITMQ_ADMIN_USER and RABBITMQ_ADMIN_PASSWORD`,
      EXIT.refused,
    );
  throw new CliError(`RabbitMQ refused to ${what}: HTTP ${response.status} ${await response.text()}`, EXIT.refused);
}

export interface Enrolment {
  hostname: string;
  user: string;
  /** The env file's text: AMQP_URL (with the new password) and AGENT_HOSTNAME. */
  env: string;
}

/** Makes the host's broker user; refuses a host that has one already (its password is not known here). */
export async function addHost(m: Management, hostname: string, broker: { address: string; tls: boolean }): Promise<Enrolment> {
  if (!HOSTNAME.test(hostname))
    throw new CliError(
      `hostname: letters, digits, '.', '_' and '-', up to 63, starting with a letter or digit (got "${hostname}")`,
      EXIT.refused,
    );
  const user = agentUser(hostname);
  const path = `/users/${encodeURIComponent(user)}`;
  const existing = await api(m, 'GET', path);
  if (existing.ok)
    throw new CliError(
      `host ${hostname} is enrolled already (broker user ${user}): watchdog hosts remove ${hostname} first to make a new password`,
      EXIT.refused,
    );
  if (existing.status !== 404) await must(existing, `look up ${user}`);
  const password = randomBytes(24).toString('base64url');
  await must(await api(m, 'PUT', path, { password, tags: '' }), `create the user ${user}`);
  await must(
    await api(m, 'PUT', `/permissions/%2F/${encodeURIComponent(user)}`, agentPermissions(hostname)),
    `give ${user} its permissions`,
  );
  await must(
    await api(m, 'PUT', `/topic-permissions/%2F/${encodeURIComponent(user)}`, agentTopicPermissions(hostname)),
    `give ${user} its routing keys`,
  );
  const url = `${broker.tls ? 'amqps' : 'amqp'}://${encodeURIComponent(user)}:${password}@${broker.address}`;
  const env = [
    `# The agent of ${hostname}: docker-compose -f docker-compose.agent.yml --env-file ${hostname}.env up -d`,
    `AMQP_URL=${url}`,
    `AGENT_HOSTNAME=${hostname}`,
    ...(broker.tls
      ? [
          "# the CA that signed the broker's certificate, next to docker-compose.agent.yml",
          'AMQP_CA_PATH=./broker-ca.pem',
          'AMQP_CA_FILE=/etc/watchdog/broker-ca.pem',
        ]
      : []),
    '',
  ].join('\n');
  return { hostname, user, env };
}

/** Deletes the host's broker user (its connections close) and its queues; refuses a host that is not enrolled. */
export async function removeHost(m: Management, hostname: string): Promise<{ queues: string[] }> {
  const user = agentUser(hostname);
  const gone = await api(m, 'DELETE', `/users/${encodeURIComponent(user)}`);
  if (gone.status === 404) throw new CliError(`host ${hostname} is not enrolled (no broker user ${user})`, EXIT.refused);
  await must(gone, `delete the user ${user}`);
  const queues: string[] = [];
  for (const queue of [agentQueue(hostname), agentQueries(hostname)]) {
    const response = await api(m, 'DELETE', `/queues/%2F/${encodeURIComponent(queue)}`);
    if (response.ok) queues.push(queue);
    else if (response.status !== 404) await must(response, `delete the queue ${queue}`);
  }
  return { queues };
}

/** Where the new host reaches the broker: BROKER_ADDRESS, else this machine on the stack's port. */
export const brokerAddress = (env: NodeJS.ProcessEnv = process.env): string =>
  env['BROKER_ADDRESS'] ?? `${thisMachine()}:${env['BROKER_PORT'] ?? '5673'}`;
