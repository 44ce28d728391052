/** Starts the control service: REST API and Swagger UI, commands over RabbitMQ. Wiring only. */
import type { AddressInfo } from 'node:net';
import { systemClock } from '../shared/clock.js';
import { readConfigOrRefuse } from '../shared/env.js';
import { errorMessage } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { redact } from '../bus/connection.js';
import { HEARTBEAT_INTERVAL_MS } from '../bus/topology.js';
import { answerClientError, createApp } from './app.js';
import { readControlConfig } from './config.js';
import { ControlBus } from './control-bus.js';
import { ControlService } from './control-service.js';
import { EventLog } from './event-log.js';
import { HostRegistry } from './host-registry.js';
import { controlMetrics } from './metrics.js';
import { PrometheusClient } from './prometheus.js';

async function main(): Promise<void> {
  const config = readConfigOrRefuse('control', () => readControlConfig());
  if (!config) return;
  const { logger, close } = createLogger({ hostname: 'control' });
  const registry = new HostRegistry(systemClock, config.hostTimeoutMs, HEARTBEAT_INTERVAL_MS);
  const events = new EventLog(config.eventsMaxAgeMs, config.eventsMemoryLimit);
  const bus = new ControlBus(config.amqpUrl, registry, logger, systemClock, events, { maxAge: config.eventsMaxAge, maxAgeMs: config.eventsMaxAgeMs });
  bus.start();
  const service = new ControlService(bus, registry, config.gatherTimeoutMs, config.prometheusUrl ? new PrometheusClient(config.prometheusUrl) : null, bus);
  const app = await createApp(service, { apiToken: config.apiToken, metrics: controlMetrics(() => registry.list(), bus) });
  const server = app.listen(config.port);
  server.on('clientError', answerClientError);
  server.on('error', (error) => {
    logger.error(`cannot listen on port ${config.port}: ${error.message}`);
    process.exitCode = 1;
    void bus.close().then(() => close());
  });
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    logger.info(`control listening on http://localhost:${port} (Swagger UI: http://localhost:${port}/docs), bus ${redact(config.amqpUrl)}, gather deadline ${config.gatherTimeoutMs} ms${config.apiToken ? ', API token required for changes' : ''}, history ${config.prometheusUrl ?? 'off (no PROMETHEUS_URL)'}`, { kind: 'control', port });
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`control stopping (${signal})`);
    server.close();
    server.closeAllConnections();
    void bus
      .close()
      .then(() => close())
      .then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(`control: fatal: ${errorMessage(error)}`);
  process.exitCode = 1;
});
