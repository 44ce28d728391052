/**
 * The antagonist: every interval it picks one running target container on this Docker host and
 * stops it, or injects packet loss into it from outside (nsenter into its network namespace, so
 * any container can be a target). Every fault is one JSON line, to match it with its healing, and
 * with AMQP_URL also an event in the events stream, where GET /scorecard matches it.
 */
import { hostname } from 'node:os';
import Docker from 'dockerode';
import { parseDockerHost } from '../shared/docker-host.js';
import { systemClock } from '../shared/clock.js';
import { EnvReader, readConfigOrRefuse } from '../shared/env.js';
import { run } from '../chaos/run-command.js';
import { createLogger } from '../shared/logger.js';
import { setPacketLoss } from '../chaos/packet-loss.js';
import { BusConnection } from '../bus/connection.js';
import { checkBrokerUrls, dialWithTls, readBrokerTls } from '../bus/broker-config.js';
import { EventPublisher } from '../bus/event-publisher.js';
import type { Event } from '../bus/messages.js';
import { chooseFault, type Candidate, type FaultKind, type Targeting } from './choose.js';

function readConfig() {
  const read = new EnvReader(process.env);
  const host = read.string('ANTAGONIST_HOSTNAME', hostname());
  const kinds = read
    .string('FAULTS', 'stop,loss')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  read.check(
    'FAULTS',
    kinds.length > 0 && kinds.every((k) => k === 'stop' || k === 'loss'),
    'must be a comma-separated list of stop, loss',
  );
  const patternText = read.optional('TARGET_PATTERN');
  let pattern: RegExp | null = null;
  try {
    pattern = patternText ? new RegExp(patternText) : null;
  } catch {
    read.check('TARGET_PATTERN', false, 'must be a regular expression');
  }
  const label = read.optional('TARGET_LABEL') ?? (pattern ? null : 'watchdog.target');
  const amqpUrl = read.optional('AMQP_URL');
  if (amqpUrl !== undefined) checkBrokerUrls(read, amqpUrl);
  const config = {
    host,
    amqpUrl,
    brokerTls: readBrokerTls(read, amqpUrl),
    docker: parseDockerHost(read),
    intervalMs: read.integer('ANTAGONIST_INTERVAL_MS', 15_000, 100, 86_400_000),
    kinds: kinds as FaultKind[],
    loss: { min: read.number('LOSS_MIN', 20, 0, 100), max: read.number('LOSS_MAX', 100, 0, 100) },
    stopTimeoutSec: read.integer('STOP_TIMEOUT_S', 1, 0, 300),
    faultLog: read.string('FAULT_LOG', `logs/antagonist-${host}.log`),
    targeting: {
      label,
      pattern,
      ownId: process.env['HOSTNAME'] && /^[0-9a-f]{12,64}$/.test(process.env['HOSTNAME']) ? process.env['HOSTNAME'] : null,
    } satisfies Targeting,
  };
  read.check('LOSS_MAX', config.loss.max >= config.loss.min, 'must not be below LOSS_MIN');
  read.done();
  return config;
}

async function main(): Promise<void> {
  const config = readConfigOrRefuse('antagonist', () => readConfig());
  if (!config) return;
  const { logger, close } = createLogger({ hostname: config.host, logFile: config.faultLog });
  const docker = new Docker({ ...config.docker, timeout: 30_000 });
  const bus = config.amqpUrl
    ? new BusConnection(
        config.amqpUrl,
        `antagonist ${config.host}`,
        async () => undefined,
        logger,
        systemClock,
        dialWithTls(config.brokerTls),
      )
    : null;
  bus?.start();
  const events = bus ? new EventPublisher(() => bus.channel, logger, bus.user) : null;
  const tell = (event: Omit<Event, 'kind' | 'type' | 'host'>): void =>
    events?.publish({ kind: 'event', type: 'fault', host: config.host, ...event });
  const targetsText = [
    config.targeting.label && `label ${config.targeting.label}`,
    config.targeting.pattern && `names matching ${config.targeting.pattern.source}`,
  ]
    .filter(Boolean)
    .join(' and ');
  logger.info(`antagonist on ${config.host}: every ${config.intervalMs} ms, ${config.kinds.join('/')} on containers with ${targetsText}`, {
    kind: 'antagonist',
  });

  const strike = async (): Promise<void> => {
    const listed = await docker.listContainers({ all: false });
    const candidates: Candidate[] = listed.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? '').replace(/^\//, ''),
      running: c.State === 'running',
      labels: c.Labels ?? {},
    }));
    const fault = chooseFault(candidates, config.targeting, config.kinds, config.loss, Math.random);
    if (!fault) {
      logger.info('no running target container; nothing to do', { kind: 'idle' });
      return;
    }
    const target = fault.target.name;
    const injectedAt = new Date().toISOString();
    if (fault.kind === 'stop') {
      await docker.getContainer(fault.target.id).stop({ t: config.stopTimeoutSec });
      logger.info(`stopped ${target}`, { kind: 'stop', target, injectedAt, parameter: { stopTimeoutSec: config.stopTimeoutSec } });
      tell({ at: injectedAt, container: target, fault: 'stop' });
    } else {
      const pid = (await docker.getContainer(fault.target.id).inspect()).State.Pid;
      const lossPercent = fault.lossPercent ?? 100;
      const method = await setPacketLoss((command, args) => run('nsenter', ['-t', String(pid), '-n', command, ...args]), lossPercent);
      logger.info(`${lossPercent}% outgoing packet loss on ${target} with ${method}`, {
        kind: 'loss',
        target,
        injectedAt,
        parameter: { lossPercent, method },
      });
      tell({ at: injectedAt, container: target, fault: 'loss', lossPercent });
    }
  };

  let stopping = false;
  let cancel = (): void => undefined;
  /** The strike under way: a stop sent to Docker happens even if we exit, so it must reach the fault log first. */
  let striking: Promise<void> = Promise.resolve();
  const loop = (): void => {
    cancel = systemClock.setTimeout(() => {
      striking = strike()
        .catch((error: unknown) => void logger.warn(`fault not injected: ${(error as Error).message}`, { kind: 'error' }))
        .finally(() => {
          if (!stopping) loop();
        });
    }, config.intervalMs);
  };
  loop();
  const shutdown = (): void => {
    stopping = true;
    cancel();
    void striking
      .then(async () => {
        events?.flush();
        await Promise.race([bus?.channel?.waitForConfirms().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
        await bus?.close();
      })
      .then(() => close())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

main().catch((error: unknown) => {
  console.error(`antagonist: fatal: ${(error as Error).message}`);
  process.exitCode = 1;
});
