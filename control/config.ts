/** The control service's configuration, read once from the environment; a bad value names the variable. */
import { EnvReader, type Env } from '../shared/env.js';

export interface ControlConfig {
  amqpUrl: string;
  port: number;
  gatherTimeoutMs: number;
  hostTimeoutMs: number;
  apiToken: string | undefined;
}

export function readControlConfig(env: Env = process.env): ControlConfig {
  const read = new EnvReader(env);
  const amqpUrl = read.string('AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672');
  read.check('AMQP_URL', /^amqps?:\/\/[^\s]+$/.test(amqpUrl), 'must be an amqp:// or amqps:// URL');
  const config: ControlConfig = {
    amqpUrl,
    port: read.integer('PORT', 8080, 0, 65535),
    gatherTimeoutMs: read.integer('GATHER_TIMEOUT_MS', 4000, 100, 60_000),
    hostTimeoutMs: read.integer('HOST_TIMEOUT_MS', 6000, 1000, 600_000),
    apiToken: read.optional('API_TOKEN'),
  };
  read.done();
  return config;
}
