/**
 * The demo target: a heartbeat loop that prints when it started and the time now, and a loss
 * module that sets its own outgoing packet loss to a random rate every interval (netem, else
 * iptables; it needs NET_ADMIN). Exits at once on SIGTERM, so `docker stop` is prompt.
 */
import { hostname } from 'node:os';
import { ConfigError, EnvReader } from '../shared/env.js';
import { run } from '../chaos/run-command.js';
import { setPacketLoss } from '../chaos/packet-loss.js';

const read = new EnvReader(process.env);
const name = read.string('DUMMY_NAME', hostname());
const tickMs = read.integer('DUMMY_TICK_MS', 5000, 100, 3_600_000);
const lossIntervalMs = read.integer('DUMMY_LOSS_INTERVAL_MS', 30_000, 0, 86_400_000);
const lossMin = read.number('LOSS_MIN', 20, 0, 100);
const lossMax = read.number('LOSS_MAX', 100, 0, 100);
read.check('LOSS_MAX', lossMax >= lossMin, 'must not be below LOSS_MIN');
try {
  read.done();
} catch (error) {
  console.error(`dummy: ${(error as ConfigError).message}`);
  process.exit(2);
}

const startedAt = new Date();
const say = (message: string): void => console.log(`${new Date().toISOString()} dummy ${name}: ${message}`);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    say(`${signal}, exiting`);
    process.exit(0);
  });
}

say(`started at ${startedAt.toISOString()}`);
setInterval(() => say(`alive, started at ${startedAt.toISOString()}`), tickMs);

if (lossIntervalMs > 0) {
  say(`loss module: a random ${lossMin}-${lossMax}% every ${lossIntervalMs} ms, the first after one interval`);
  setInterval(() => {
    const loss = Math.round(lossMin + Math.random() * (lossMax - lossMin));
    setPacketLoss(run, loss).then(
      (method) => say(`outgoing packet loss set to ${loss}% with ${method}${method === 'iptables' ? ' (this kernel has no netem)' : ''}`),
      (error: unknown) => say(`loss module: ${(error as Error).message}`),
    );
  }, lossIntervalMs);
} else {
  say('loss module off (DUMMY_LOSS_INTERVAL_MS=0)');
}
