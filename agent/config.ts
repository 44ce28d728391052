/** The agent's configuration, read once from the environment and validated; a bad value names the variable. */
import { isIPv4 } from 'node:net';
import { existsSync } from 'node:fs';
import { hostname as machineHostname } from 'node:os';
import { delimiter, join } from 'node:path';
import { checkBrokerUrls, readBrokerTls, type BrokerTls } from '../bus/broker-config.js';
import { brokerUrls } from '../bus/connection.js';
import { CONTROL_USER, agentUser, userOf } from '../bus/identity.js';
import { CONTAINER_NAME_RULE, HOSTNAME_RULE, isContainerName, isHostname } from '../bus/messages.js';
import { parseDockerHost, type DockerConnection } from '../shared/docker-host.js';
import { EnvReader, type Env } from '../shared/env.js';
import { DEFAULT_PATH_RULE, type PathRule } from './judging/host-path.js';
import type { RestartPolicy } from './healing/restart-guard.js';

export interface AgentConfig {
  hostname: string;
  amqpUrl: string | undefined;
  /** TLS files for an amqps:// broker. */
  brokerTls: BrokerTls;
  /** The broker user whose commands the agent applies. */
  controlUser: string;
  docker: DockerConnection;
  checkIntervalMs: number;
  lossThreshold: number;
  pingCount: number;
  monitored: string[];
  stateFile: string;
  logFile: string;
  concurrency: number;
  /** How often a cycle lists the host afresh and inspects every monitored container; between, the event-fed inventory serves it. 0: inspect every cycle. */
  resyncMs: number;
  prober: 'ping' | 'fping';
  /** Where CPU, memory and network counters come from: cgroup files, the engine's stats, cgroup else engine, or not at all. */
  stats: 'auto' | 'cgroup' | 'docker' | 'off';
  /** sequential: continuous probing and a sequential test; classic: PING_COUNT pings per cycle. */
  verdict: 'sequential' | 'classic';
  verdictSettings: {
    delta: number;
    falseRate: number;
    missRate: number;
    steadyPeriodMs: number;
    fastPeriodMs: number;
    timeoutMs: number;
    budgetPerSecond: number;
    canary: string;
  };
  /** Port of the Prometheus /metrics endpoint; undefined: none. */
  metricsPort: number | undefined;
  /** The address /metrics listens on: loopback unless told (the compose agent says 0.0.0.0, for Prometheus through the host gateway). */
  metricsAddress: string;
  /** The disk whose space heartbeats report (HOST_DISK_PATH); unset: Docker's data root where the agent sees it, else /. */
  hostDiskPath: string | undefined;
  stopTimeoutSec: number;
  /** No probe-based restart of a container younger than this that passed no check yet (START_PERIOD_S; its label wins). */
  startPeriodSec: number;
  restartPolicy: RestartPolicy;
  /** Restarts in flight at once on the host; the others wait their turn, oldest first. */
  restartConcurrency: number;
  /** A container sharing the monitored ones' path, never faulty itself: loss there is the host's. */
  pathCanary: string | undefined;
  /** When the host's path counts as broken. */
  pathRule: PathRule;
  /** Loss restarts on the host within RESTART_WINDOW_MS before they pause. */
  hostRestartLimit: number;
  /** Observe only: decide and tell, touch nothing (the API cannot switch it off). */
  dryRun: boolean;
}

export function readAgentConfig(env: Env = process.env): AgentConfig {
  const read = new EnvReader(env);
  const hostname = read.string('AGENT_HOSTNAME', machineHostname());
  read.check('AGENT_HOSTNAME', isHostname(hostname), `must be ${HOSTNAME_RULE}`);
  const monitored = (read.optional('MONITORED') ?? '')
    .split(',')
    .map((n) => n.trim())
    .filter(Boolean);
  const badNames = monitored.filter((n) => !isContainerName(n));
  read.check(
    'MONITORED',
    badNames.length === 0,
    `must be comma-separated container names, each ${CONTAINER_NAME_RULE}; bad: ${badNames.join(', ')}`,
  );
  const amqpUrl = read.optional('AMQP_URL');
  if (amqpUrl !== undefined && checkBrokerUrls(read, amqpUrl)) {
    const user = userOf(brokerUrls(amqpUrl)[0] ?? amqpUrl);
    read.check(
      'AMQP_URL',
      user === agentUser(hostname),
      `must log in as the broker user ${agentUser(hostname)} (control believes this host's heartbeats and answers only from that user), not ${user}`,
    );
  }
  const config: AgentConfig = {
    hostname,
    amqpUrl,
    brokerTls: readBrokerTls(read, amqpUrl),
    controlUser: read.string('CONTROL_USER', CONTROL_USER),
    docker: parseDockerHost(read),
    checkIntervalMs: read.integer('CHECK_INTERVAL_MS', 5000, 100, 3_600_000),
    lossThreshold: read.number('LOSS_THRESHOLD', 60, 0, 100),
    pingCount: read.integer('PING_COUNT', 5, 1, 100),
    monitored: [...new Set(monitored)],
    stateFile: read.string('STATE_FILE', `.state/agent-${hostname}.json`),
    logFile: read.string('LOG_FILE', `logs/agent-${hostname}.log`),
    concurrency: read.integer('CHECK_CONCURRENCY', 100, 1, 1000),
    resyncMs: read.integer('INVENTORY_RESYNC_MS', 60_000, 0, 86_400_000),
    prober: readProber(read),
    stats: readStats(read),
    verdict: 'classic',
    verdictSettings: {
      delta: read.number('VERDICT_DELTA', 10, 1, 50),
      falseRate: read.number('VERDICT_FALSE_RATE', 0.01, 0.000001, 0.5),
      missRate: read.number('VERDICT_MISS_RATE', 0.01, 0.000001, 0.5),
      steadyPeriodMs: read.integer('PROBE_PERIOD_MS', 250, 20, 60_000),
      fastPeriodMs: read.integer('PROBE_FAST_PERIOD_MS', 30, 10, 10_000),
      timeoutMs: read.integer('PROBE_TIMEOUT_MS', 100, 10, 10_000),
      budgetPerSecond: read.integer('PROBE_BUDGET', 1000, 10, 1_000_000),
      canary: read.string('PROBE_CANARY', '127.0.0.1'),
    },
    metricsPort: read.optional('METRICS_PORT') === undefined ? undefined : read.integer('METRICS_PORT', 0, 0, 65535),
    metricsAddress: read.address('METRICS_ADDRESS', '127.0.0.1'),
    hostDiskPath: read.optional('HOST_DISK_PATH'),
    stopTimeoutSec: read.integer('STOP_TIMEOUT_S', 2, 0, 300),
    startPeriodSec: read.integer('START_PERIOD_S', 0, 0, 3600),
    dryRun: read.boolean('DRY_RUN', false),
    restartConcurrency: read.integer('RESTART_CONCURRENCY', 4, 1, 1000),
    hostRestartLimit: read.integer('HOST_RESTART_LIMIT', 100, 1, 1_000_000),
    pathCanary: read.optional('PATH_CANARY'),
    pathRule: {
      minContainers: read.integer('HOST_FAULT_MIN', DEFAULT_PATH_RULE.minContainers, 1, 100_000),
      share: read.number('HOST_FAULT_SHARE', DEFAULT_PATH_RULE.share * 100, 1, 100) / 100,
      recoverMs: read.integer('HOST_FAULT_RECOVER_MS', DEFAULT_PATH_RULE.recoverMs, 0, 3_600_000),
    },
    restartPolicy: {
      maxRestarts: read.integer('RESTART_LIMIT', 5, 1, 1000),
      windowMs: read.integer('RESTART_WINDOW_MS', 60_000, 1000, 86_400_000),
      baseBackoffMs: read.integer('BACKOFF_BASE_MS', 10_000, 100, 86_400_000),
      maxBackoffMs: read.integer('BACKOFF_MAX_MS', 300_000, 100, 86_400_000),
    },
  };
  read.check(
    'PATH_CANARY',
    config.pathCanary === undefined || isContainerName(config.pathCanary),
    `must be a container name, ${CONTAINER_NAME_RULE}`,
  );
  read.check(
    'PROBE_CANARY',
    isIPv4(config.verdictSettings.canary),
    'must be an IPv4 address that always answers ping while the prober works (loopback by default): its replies prove the prober could hear',
  );
  config.verdict = readVerdict(read, config.prober);
  read.done();
  return config;
}

/** auto: sequential where fping can probe continuously, else classic. */
function readVerdict(read: EnvReader, prober: 'ping' | 'fping'): AgentConfig['verdict'] {
  const verdict = read.string('VERDICT', 'auto');
  read.check(
    'VERDICT',
    ['auto', 'sequential', 'classic'].includes(verdict),
    'must be auto, sequential (continuous probing, sequential test) or classic (PING_COUNT pings per cycle)',
  );
  read.check('VERDICT', !(verdict === 'sequential' && prober !== 'fping'), 'sequential needs fping (PROBER=fping, installed)');
  if (verdict === 'auto') return prober === 'fping' ? 'sequential' : 'classic';
  return verdict === 'sequential' ? 'sequential' : 'classic';
}

function readStats(read: EnvReader): AgentConfig['stats'] {
  const stats = read.string('STATS', 'auto');
  const allowed = ['auto', 'cgroup', 'docker', 'off'] as const;
  read.check(
    'STATS',
    (allowed as readonly string[]).includes(stats),
    'must be auto (cgroup files, else the engine), cgroup, docker or off',
  );
  return allowed.find((a) => a === stats) ?? 'auto';
}

/** auto: fping where it is installed (far cheaper at hundreds of containers), else ping. */
function readProber(read: EnvReader): 'ping' | 'fping' {
  const prober = read.string('PROBER', 'auto');
  read.check('PROBER', ['auto', 'ping', 'fping'].includes(prober), 'must be auto, ping (one process per container) or fping (batched)');
  if (prober === 'auto') return onPath('fping') ? 'fping' : 'ping';
  return prober === 'fping' ? 'fping' : 'ping';
}

function onPath(command: string): boolean {
  return (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, command)));
}
