/**
 * Makes the secrets of a deployment, once, and the broker definitions built from them. Nothing
 * secret is in the repository: passwords and the API token are random, kept in a directory only
 * root (or the user who ran it) can read, and reused on every later run.
 *
 *   tsx scripts/secrets.ts stack [dir] [agent hostname]   the compose stack (npm start): dir .secrets,
 *       agent host1; writes dir/stack.env (for docker-compose --env-file), dir/broker/definitions.json
 *       and dir/broker/rabbitmq.conf (mounted into the broker)
 *   tsx scripts/secrets.ts lab <dir>                      the lab's broker: users lab-admin, control and
 *       antagonist; writes dir/definitions.json (rabbitmqctl import_definitions) and one file per password
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brokerDefinitions, deploymentUsers } from '../bus/definitions.js';
import { isHostname } from '../bus/messages.js';

const secret = (): string => randomBytes(18).toString('base64url');

/** The secret in dir/name, made on first use (mode 600). */
function kept(dir: string, name: string): string {
  const file = join(dir, name);
  if (!existsSync(file)) writeFileSync(file, `${secret()}\n`, { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

function makeDir(dir: string, mode: number): void {
  mkdirSync(dir, { recursive: true, mode });
  chmodSync(dir, mode);
}

function stack(dir: string, agentHostname: string): void {
  if (!isHostname(agentHostname)) throw new Error(`agent hostname ${JSON.stringify(agentHostname)} is not a host name`);
  makeDir(dir, 0o700);
  const passwords = {
    admin: kept(dir, 'broker-admin'),
    control: kept(dir, 'broker-control'),
    antagonist: kept(dir, 'broker-antagonist'),
    agents: { [agentHostname]: kept(dir, `broker-agent-${agentHostname}`) },
  };
  const apiToken = kept(dir, 'api-token');
  // The broker reads these two as its own user: readable files, in a directory only their owner can enter.
  makeDir(join(dir, 'broker'), 0o755);
  writeFileSync(join(dir, 'broker', 'definitions.json'), JSON.stringify(brokerDefinitions(deploymentUsers(passwords)), null, 2), {
    mode: 0o644,
  });
  writeFileSync(join(dir, 'broker', 'rabbitmq.conf'), 'load_definitions = /etc/rabbitmq/definitions.json\nloopback_users = none\n', {
    mode: 0o644,
  });
  const env = {
    BROKER_ADMIN_PASSWORD: passwords.admin,
    CONTROL_BROKER_PASSWORD: passwords.control,
    ANTAGONIST_BROKER_PASSWORD: passwords.antagonist,
    AGENT_BROKER_PASSWORD: passwords.agents[agentHostname],
    API_TOKEN: apiToken,
  };
  writeFileSync(
    join(dir, 'stack.env'),
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  chmodSync(join(dir, 'stack.env'), 0o600);
}

function lab(dir: string): void {
  makeDir(dir, 0o700);
  const passwords = { admin: kept(dir, 'lab-admin'), control: kept(dir, 'control'), antagonist: kept(dir, 'antagonist'), agents: {} };
  writeFileSync(join(dir, 'definitions.json'), JSON.stringify(brokerDefinitions(deploymentUsers(passwords, 'lab-admin')), null, 2), {
    mode: 0o600,
  });
}

const [mode, dir, agentHostname] = process.argv.slice(2);
if (mode === 'stack') stack(dir ?? '.secrets', agentHostname ?? 'host1');
else if (mode === 'lab' && dir) lab(dir);
else {
  console.error('usage: tsx scripts/secrets.ts stack [dir] [agent hostname] | lab <dir>');
  process.exit(2);
}
