/** Starts the agent on this Docker host: wiring only; the behaviour lives in Watchdog. */
import { engineLine, type EngineVersion } from './engine/engine-version.js';
import { dialWithTls } from '../bus/broker-config.js';
import type { Server } from 'node:http';
import Docker from 'dockerode';
import { systemClock } from '../shared/clock.js';
import { readConfigOrRefuse } from '../shared/env.js';
import { createLogger } from '../shared/logger.js';
import { readAgentConfig, type AgentConfig } from './config.js';
import { AgentBus } from './commands/agent-bus.js';
import { CommandHandler } from './commands/command-handler.js';
import { ContainerInventory } from './engine/container-inventory.js';
import { CgroupStatsSource, FallbackStats } from './engine/cgroup-stats.js';
import { DockerRuntime } from './engine/docker-runtime.js';
import { EngineStatsSource } from './engine/docker-stats.js';
import { FpingProber } from './probing/fping-prober.js';
import { PingProber } from './probing/ping-prober.js';
import type { StatsSource } from './ports.js';
import { FileStateStore, loadState } from './policy/state-file.js';
import { agentMetrics } from './reporting/metrics.js';
import { publishWatchdogEvents } from './reporting/events.js';
import { serveMetrics } from '../shared/metrics.js';
import { errorMessage } from '../shared/errors.js';
import { Watchdog, type WatchdogDeps } from './watchdog.js';
import { FpingLoopProber } from './probing/fping-loop.js';
import { dockerDataRoot, HostResources } from './engine/host-resources.js';
import { hostMetrics } from './reporting/host-metrics.js';
import { HEARTBEAT_INTERVAL_MS } from '../bus/topology.js';

const DOCKER_REQUEST_TIMEOUT_MS = 60_000;
/** How long a stop waits for the cycle and heals in flight: within `docker stop`'s 10 s, so the log is flushed before a SIGKILL. */
const STOP_WAIT_MS = 5_000;

async function main(): Promise<void> {
  const config = readConfigOrRefuse('agent', () => readAgentConfig());
  if (!config) return;
  const { logger, close } = createLogger({ hostname: config.hostname, logFile: config.logFile });
  // A stop signal is heard from here on, also while the agent is still starting (docker stop at
  // once, a busy host): what has started is stopped, the log flushed, exit 0; never a death by the
  // signal with its lines lost. The parts below join `started` as they start.
  const started: { watchdog?: Watchdog; bus?: AgentBus; metrics?: Server } = {};
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`agent stopping (${signal})`, { kind: 'agent' });
    started.metrics?.close();
    const stopped = Promise.all([started.watchdog?.stop(), started.bus?.stop()]).then(
      () => 'agent stopped',
      (error: unknown) => `agent stopped; the stop failed: ${errorMessage(error)}`,
    );
    // A cycle or heal waiting on a hung engine (Docker's requests time out after 60 s each) is not waited for past STOP_WAIT_MS.
    const late = new Promise<string>((resolve) =>
      setTimeout(
        () =>
          resolve(
            `agent stopped after ${STOP_WAIT_MS} ms without the end of the cycle or heal in flight (the engine had not answered yet)`,
          ),
        STOP_WAIT_MS,
      ).unref(),
    );
    void Promise.race([stopped, late])
      .then((said) => logger.info(said, { kind: 'agent' }))
      .then(() => close())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
  const store = new FileStateStore(config.stateFile);
  const initial = await loadState(store, { monitored: config.monitored, threshold: config.lossThreshold }, logger);
  if (stopping) return;
  const engine = new Docker({ ...config.docker, timeout: DOCKER_REQUEST_TIMEOUT_MS });
  const docker = new DockerRuntime(engine, new Docker(config.docker), systemClock);
  const stats = statsSource(config.stats, engine);
  const inventory = new ContainerInventory(docker, logger);
  const runtime = inventory.watching();
  const watchdog = new Watchdog(
    {
      runtime,
      prober: config.prober === 'fping' ? new FpingProber() : new PingProber(config.concurrency),
      store,
      clock: systemClock,
      log: logger,
      ...(stats ? { stats } : {}),
      inventory,
      ...(config.verdict === 'sequential' ? { continuous: continuousProbing(config.verdictSettings) } : {}),
    },
    {
      checkIntervalMs: config.checkIntervalMs,
      pingCount: config.pingCount,
      concurrency: config.concurrency,
      stopTimeoutSec: config.stopTimeoutSec,
      startPeriodSec: config.startPeriodSec,
      restartPolicy: config.restartPolicy,
      restartConcurrency: config.restartConcurrency,
      ...(config.pathCanary ? { pathCanary: config.pathCanary } : {}),
      pathRule: config.pathRule,
      hostRestartLimit: config.hostRestartLimit,
      resyncMs: config.resyncMs,
      dryRun: config.dryRun,
    },
    initial,
  );
  started.watchdog = watchdog;
  watchdog.start();
  // Said once, not waited for: a hung engine must not hold the agent's start.
  void engine.version().then(
    (version: EngineVersion) => logger.info(engineLine(version), { kind: 'engine', engine: version }),
    (error: unknown) => logger.warn(engineLine(error instanceof Error ? error : new Error(String(error))), { kind: 'engine' }),
  );
  // The host's own health, sampled as often as heartbeats go: into each heartbeat and /metrics.
  const host = new HostResources(config.hostDiskPath ?? (await dockerDataRoot(engine)));
  if (stopping) return;
  const sampleHost = (): void => void host.sample().catch(() => undefined);
  sampleHost();
  setInterval(sampleHost, HEARTBEAT_INTERVAL_MS).unref();
  const bus = config.amqpUrl
    ? new AgentBus(
        config.amqpUrl,
        config.hostname,
        new CommandHandler(config.hostname, watchdog, runtime, inventory, config.dryRun),
        watchdog,
        logger,
        systemClock,
        dialWithTls(config.brokerTls),
        config.controlUser,
        host,
      )
    : null;
  if (bus) {
    started.bus = bus;
    publishWatchdogEvents(config.hostname, watchdog, (event) => bus.publishEvent(event));
    bus.start();
  } else logger.warn('AMQP_URL is not set: the agent runs alone, without admin commands', { kind: 'agent' });
  const metrics =
    config.metricsPort === undefined
      ? null
      : await serveMetrics(
          hostMetrics(agentMetrics(config.hostname, watchdog, bus), config.hostname, host),
          config.metricsPort,
          (error) =>
            logger.error(
              `metrics: cannot listen on ${config.metricsAddress} port ${config.metricsPort}: ${error.message}; the agent goes on without /metrics`,
              { kind: 'agent' },
            ),
          config.metricsAddress,
        );
  if (metrics) started.metrics = metrics;
  if (stopping) {
    metrics?.close();
    return;
  }
  const metricsPort = metrics?.listening ? (metrics.address() as { port: number }).port : undefined;
  if (metricsPort !== undefined)
    logger.info(
      `metrics on http://${config.metricsAddress.includes(':') ? `[${config.metricsAddress}]` : config.metricsAddress}:${metricsPort}/metrics`,
      { kind: 'agent', metricsPort, metricsAddress: config.metricsAddress },
    );
  if (watchdog.policies.dryRun)
    logger.warn(
      `observe only (${config.dryRun ? 'DRY_RUN=true' : 'switched on through the API'}): every start and restart is logged and published, none is done`,
      { kind: 'agent', dryRun: true },
    );
  logger.info(
    `agent started on ${config.hostname}: monitoring [${initial.monitored.join(', ')}] and containers labelled watchdog.monitor=true, threshold ${initial.threshold}%, every ${config.checkIntervalMs} ms, probing with ${config.prober}, ${config.verdict === 'sequential' ? `sequential verdict (delta ${config.verdictSettings.delta}, false ${config.verdictSettings.falseRate}/h, miss ${config.verdictSettings.missRate}, every ${config.verdictSettings.steadyPeriodMs} ms within ${config.verdictSettings.budgetPerSecond} probes/s, ${config.verdictSettings.fastPeriodMs} ms under suspicion)` : `classic verdict (${config.pingCount} pings per cycle)`}, resource use from ${stats?.name ?? 'nowhere (STATS=off)'}`,
    {
      kind: 'agent',
      monitored: initial.monitored,
      threshold: initial.threshold,
      checkIntervalMs: config.checkIntervalMs,
      stateFile: config.stateFile,
    },
  );
}

function continuousProbing(s: AgentConfig['verdictSettings']): NonNullable<WatchdogDeps['continuous']> {
  return {
    settings: {
      delta: s.delta,
      falseRate: s.falseRate,
      missRate: s.missRate,
      fastRatePerSecond: 1000 / s.fastPeriodMs + 1000 / s.steadyPeriodMs,
    },
    prober: (sink) =>
      new FpingLoopProber(
        {
          steadyPeriodMs: s.steadyPeriodMs,
          fastPeriodMs: s.fastPeriodMs,
          timeoutMs: s.timeoutMs,
          budgetPerSecond: s.budgetPerSecond,
          canary: s.canary,
        },
        sink,
      ),
  };
}

function statsSource(choice: AgentConfig['stats'], engine: Docker): StatsSource | undefined {
  if (choice === 'off') return undefined;
  if (choice === 'cgroup') return new CgroupStatsSource();
  if (choice === 'docker') return new EngineStatsSource(engine);
  return new FallbackStats(new CgroupStatsSource(), new EngineStatsSource(engine));
}

main().catch((error: unknown) => {
  console.error(`agent: fatal: ${errorMessage(error)}`);
  process.exitCode = 1;
});
