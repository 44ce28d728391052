/** Where the Docker engine is, from DOCKER_HOST, Docker's own convention. */
import type { EnvReader } from './env.js';

export type DockerConnection = { socketPath: string } | { protocol: 'http'; host: string; port: number };

/** Docker's own convention: unix:///path/to/socket or tcp://host:port; unset means the local socket. */
export function parseDockerHost(read: EnvReader): DockerConnection {
  const raw = read.optional('DOCKER_HOST');
  if (!raw) return { socketPath: '/var/run/docker.sock' };
  if (raw.startsWith('unix://') && raw.length > 'unix://'.length) return { socketPath: raw.slice('unix://'.length) };
  const tcp = /^tcp:\/\/([^:/]+):(\d{1,5})\/?$/.exec(raw);
  if (tcp?.[1] && tcp[2]) return { protocol: 'http', host: tcp[1], port: Number(tcp[2]) };
  read.check('DOCKER_HOST', false, 'must be unix:///path/to/docker.sock or tcp://host:port');
  return { socketPath: '/var/run/docker.sock' };
}
