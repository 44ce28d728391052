/** Starts the control service: REST API and Swagger UI, commands over RabbitMQ. Wiring only. */
import { SilenceBook } from './silence-book.js';
import { SilenceService } from './silence-service.js';
import { dialWithTls } from '../bus/broker-config.js';
import type { AddressInfo } from 'node:net';
import { systemClock } from '../shared/clock.js';
import { readConfigOrRefuse } from '../shared/env.js';
import { errorMessage } from '../shared/errors.js';
import { createLogger } from '../shared/logger.js';
import { redact } from '../bus/connection.js';
import { HEARTBEAT_INTERVAL_MS } from '../bus/topology.js';
import { createApp } from './app.js';
import { answerClientError } from './http-edges.js';
import { readControlConfig } from './config.js';
import { ControlBus } from './control-bus.js';
import { ControlService } from './control-service.js';
import { Observations } from './observations.js';
import { EventLog } from './event-log.js';
import { HostRegistry } from './host-registry.js';
import { controlMetrics } from './metrics.js';
import { PrometheusClient } from './prometheus.js';
import { hostChanges, hostNotification, notificationOf } from './notifications.js';
import { WebhookSender } from './webhook-sender.js';
import type { ControlConfig } from './config.js';
import { Tokens } from './tokens.js';

/** Events read from the stream at start can be days old: only those younger than this are notified. */
const NOTIFY_MAX_AGE_MS = 120_000;
const HOST_LOOK_MS = 1000;
/** How often control looks for hosts whose silences differ from its own. */
const SILENCE_KEEP_MS = 1000;

/** Webhooks, fed by the events stream and the host registry; null without WEBHOOKS. */
function notifyFromEvents(
  config: ControlConfig,
  events: EventLog,
  registry: HostRegistry,
  silences: SilenceBook,
  logger: { info(m: string, f?: object): void; warn(m: string, f?: object): void },
): { close(): void } | null {
  if (config.webhooks.length === 0) return null;
  const sender = new WebhookSender(
    config.webhooks,
    {
      rateLimitMs: config.webhookRateLimitMs,
      timeoutMs: config.webhookTimeoutMs,
      tries: 3,
      retryBaseMs: 1000,
      maxQueue: 1000,
      publicUrl: config.publicUrl,
    },
    logger,
  );
  const unsubscribe = events.subscribe({}, (event) => {
    if (Date.now() - Date.parse(event.at) > NOTIFY_MAX_AGE_MS) return;
    const n = notificationOf(event);
    // A silence holds its containers' notifications (and a silence of `*` its hosts' own), unless it says notify.
    if (n && !silences.holdsNotification(n.host, n.container, Date.now())) sender.notify(n);
  });
  let silent = new Set<string>();
  const look = setInterval(() => {
    const now = Date.now();
    const changes = hostChanges(silent, registry.silent(), registry.live());
    for (const host of changes.silent)
      if (!silences.holdsNotification(host, undefined, now)) sender.notify(hostNotification('host-silent', host, now));
    for (const host of changes.back)
      if (!silences.holdsNotification(host, undefined, now)) sender.notify(hostNotification('host-back', host, now));
    silent = new Set(registry.silent());
  }, HOST_LOOK_MS);
  look.unref();
  logger.info(
    `notifications: ${config.webhooks.length} webhook target(s) (${config.webhooks.map((t) => `${t.format} on ${t.on.join(', ')}`).join('; ')}), at most one per container every ${config.webhookRateLimitMs} ms`,
    { kind: 'webhook' },
  );
  return {
    close: () => {
      clearInterval(look);
      unsubscribe();
      sender.close();
    },
  };
}

async function main(): Promise<void> {
  const config = readConfigOrRefuse('control', () => readControlConfig());
  if (!config) return;
  const { logger, close } = createLogger({ hostname: 'control' });
  const registry = new HostRegistry(systemClock, config.hostTimeoutMs, HEARTBEAT_INTERVAL_MS);
  const events = new EventLog(config.eventsMaxAgeMs, config.eventsMemoryBytes);
  // Silences are kept on the stream: the book is rebuilt as control reads it (before the bus starts, so none is missed).
  const silenceBook = new SilenceBook();
  events.subscribe({ type: 'silence' }, (event) => silenceBook.apply(event));
  const bus = new ControlBus(
    config.amqpUrl,
    registry,
    logger,
    systemClock,
    events,
    { maxAge: config.eventsMaxAge, maxAgeMs: config.eventsMaxAgeMs },
    dialWithTls(config.brokerTls),
  );
  bus.start();
  const service = new ControlService(bus, registry, config.gatherTimeoutMs);
  const silences = new SilenceService(bus, registry, silenceBook, {
    gatherTimeoutMs: config.gatherTimeoutMs,
    maxAheadMs: config.eventsMaxAgeMs,
    maxAhead: config.eventsMaxAge,
  });
  const keeping = setInterval(() => void silences.keep(), SILENCE_KEEP_MS);
  keeping.unref();
  const observations = new Observations(bus, config.prometheusUrl ? new PrometheusClient(config.prometheusUrl) : null);
  const notifications = notifyFromEvents(config, events, registry, silenceBook, logger);
  const app = await createApp(
    { service, observations, silences },
    {
      tokens: new Tokens(config.tokens),
      metrics: controlMetrics(() => registry.list(), bus),
    },
  );
  const server = app.listen(config.port, config.listenAddress);
  server.on('clientError', answerClientError);
  server.on('error', (error) => {
    logger.error(`cannot listen on ${config.listenAddress} port ${config.port}: ${error.message}`);
    process.exitCode = 1;
    void bus.close().then(() => close());
  });
  server.on('listening', () => {
    const { port } = server.address() as AddressInfo;
    const any = config.listenAddress === '0.0.0.0' || config.listenAddress === '::';
    const base = `http://${any ? 'localhost' : config.listenAddress.includes(':') ? `[${config.listenAddress}]` : config.listenAddress}:${port}`;
    logger.info(
      `control listening on ${base} (${any ? 'every interface' : 'this address only: LISTEN_ADDRESS'}; Swagger UI: ${base}/docs/), bus ${redact(config.amqpUrl)}, gather deadline ${config.gatherTimeoutMs} ms${config.tokens.length > 0 ? `, ${config.tokens.length} API token(s) (${config.tokens.map((t) => `${t.name}: ${t.role}`).join(', ')}), required for changes${config.tokens.some((t) => t.role === 'read') ? ' and reads' : ''}` : ''}, history ${config.prometheusUrl ?? 'off (no PROMETHEUS_URL)'}`,
      { kind: 'control', port },
    );
    if (config.tokens.length === 0)
      logger.warn(
        `API_TOKEN is not set (nor API_TOKENS_FILE): anyone who can reach port ${port} may change thresholds, monitoring and policies (npm start makes one)`,
        { kind: 'control' },
      );
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    logger.info(`control stopping (${signal})`);
    server.close();
    server.closeAllConnections();
    clearInterval(keeping);
    notifications?.close();
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
