/**
 * `watchdog hosts add|remove`: enrol a Docker host (its broker user and the env file its agent
 * needs) or take it away; only with an admin token (enrol.ts does the broker's part).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT, mustBeAdmin, type Connection } from './client.js';
import type { Io } from './commands.js';
import { addHost, brokerAddress, management, removeHost } from './enrol.js';

export interface AddOptions {
  broker?: string;
  tls?: boolean;
  out?: string;
}

export async function add(c: Connection, io: Io, hostname: string, o: AddOptions): Promise<number> {
  await mustBeAdmin(c, 'hosts add');
  const enrolled = await addHost(management(), hostname, { address: o.broker ?? brokerAddress(), tls: o.tls === true });
  const file = o.out ? join(o.out, `${hostname}.env`) : `${hostname}.env`;
  if (o.out) writeFileSync(file, enrolled.env, { mode: 0o600 });
  if (io.json) io.out(JSON.stringify({ hostname, user: enrolled.user, ...(o.out ? { envFile: file } : { env: enrolled.env }) }));
  else {
    io.out(o.out ? `host ${hostname} enrolled (broker user ${enrolled.user}); its env file: ${file}` : enrolled.env.trimEnd());
    io.out(`on ${hostname}, with docker-compose.agent.yml and that file beside it:`);
    io.out(`  docker-compose -f docker-compose.agent.yml --env-file ${hostname}.env up -d`);
  }
  return EXIT.ok;
}

export async function remove(c: Connection, io: Io, hostname: string): Promise<number> {
  await mustBeAdmin(c, 'hosts remove');
  const { queues } = await removeHost(management(), hostname);
  io.out(
    io.json
      ? JSON.stringify({ hostname, removedQueues: queues })
      : `host ${hostname} removed: its broker user and ${queues.length} queue(s)`,
  );
  return EXIT.ok;
}
