/** The control service's configuration, read once from the environment; a bad value names the variable. */
import { checkBrokerUrls, readBrokerTls, type BrokerTls } from '../bus/broker-config.js';
import { readFileSync } from 'node:fs';
import { EnvReader, type Env } from '../shared/env.js';
import type { WebhookTarget } from './notifications.js';
import { parseTokens, type NamedToken } from './tokens.js';
import { parseTargets } from './webhook-targets.js';

export interface ControlConfig {
  amqpUrl: string;
  /** TLS files for an amqps:// broker. */
  brokerTls: BrokerTls;
  port: number;
  /** The address the API listens on: loopback unless told (the image says 0.0.0.0: a container's port is published by Docker). */
  listenAddress: string;
  gatherTimeoutMs: number;
  hostTimeoutMs: number;
  apiToken: string | undefined;
  /** When set, reads need a token too: this one, or API_TOKEN (which also allows changes). */
  apiReadToken: string | undefined;
  /** Every token with its name and role: API_TOKEN (admin "api"), API_READ_TOKEN (read "api-read") and API_TOKENS_FILE's. */
  tokens: NamedToken[];
  /** Prometheus, for GET /history; undefined: not available. */
  prometheusUrl: string | undefined;
  /** Control's address as people reach it (PUBLIC_URL): notifications link to the dashboard. */
  publicUrl: string | undefined;
  /** How long the events stream keeps events, as RabbitMQ writes it (7D) and in ms. */
  eventsMaxAge: string;
  eventsMaxAgeMs: number;
  /** Bytes of events (as encoded on the bus) control holds in memory for GET /events. */
  eventsMemoryBytes: number;
  /** Webhook targets (WEBHOOKS, or the file WEBHOOKS_FILE), and how they are sent. */
  webhooks: WebhookTarget[];
  webhookRateLimitMs: number;
  webhookTimeoutMs: number;
}

const AGE_UNIT_MS: Record<string, number> = { Y: 365 * 86_400_000, M: 30 * 86_400_000, D: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };

export function readControlConfig(env: Env = process.env): ControlConfig {
  const read = new EnvReader(env);
  const amqpUrl = read.string('AMQP_URL', 'amqp://guest:guest@127.0.0.1:5672');
  checkBrokerUrls(read, amqpUrl);
  const config: ControlConfig = {
    amqpUrl,
    brokerTls: readBrokerTls(read, amqpUrl),
    port: read.integer('PORT', 8080, 0, 65535),
    listenAddress: read.address('LISTEN_ADDRESS', '127.0.0.1'),
    gatherTimeoutMs: read.integer('GATHER_TIMEOUT_MS', 4000, 100, 60_000),
    hostTimeoutMs: read.integer('HOST_TIMEOUT_MS', 6000, 1000, 600_000),
    apiToken: read.optional('API_TOKEN'),
    apiReadToken: read.optional('API_READ_TOKEN'),
    tokens: [],
    prometheusUrl: read.optional('PROMETHEUS_URL'),
    publicUrl: read.optional('PUBLIC_URL'),
    eventsMaxAge: read.string('EVENTS_MAX_AGE', '7D'),
    eventsMaxAgeMs: 0,
    eventsMemoryBytes: read.integer('EVENTS_MEMORY_MB', 64, 1, 65_536) * 1024 * 1024,
    webhooks: readWebhooks(read),
    webhookRateLimitMs: read.integer('WEBHOOK_RATE_LIMIT_MS', 60_000, 0, 86_400_000),
    webhookTimeoutMs: read.integer('WEBHOOK_TIMEOUT_MS', 5000, 100, 60_000),
  };
  if (config.publicUrl !== undefined)
    read.check('PUBLIC_URL', /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(config.publicUrl), 'must be an http:// or https:// URL');
  if (config.prometheusUrl !== undefined)
    read.check('PROMETHEUS_URL', /^https?:\/\/[^\s/]+(\/[^\s]*)?$/.test(config.prometheusUrl), 'must be an http:// or https:// URL');
  const age = /^([1-9][0-9]{0,5})([YMDhms])$/.exec(config.eventsMaxAge);
  config.tokens = readTokens(read, config.apiToken, config.apiReadToken);
  const readsClosedChangesOpen = config.tokens.some((t) => t.role === 'read') && !config.tokens.some((t) => t.role !== 'read');
  read.check(
    config.apiReadToken === undefined ? 'API_TOKENS_FILE' : 'API_READ_TOKEN',
    !readsClosedChangesOpen,
    'needs a token that may change things too (API_TOKEN, or an operate or admin token in API_TOKENS_FILE): reads closed while changes are open would be backwards',
  );
  read.check(
    'EVENTS_MEMORY_LIMIT',
    env['EVENTS_MEMORY_LIMIT'] === undefined,
    'is no longer read (it counted events, and one event can be large): set EVENTS_MEMORY_MB, the megabytes of events held',
  );
  read.check('EVENTS_MAX_AGE', age !== null, 'must be a number and a unit as RabbitMQ takes it: Y, M, D, h, m or s (e.g. 7D, 12h)');
  config.eventsMaxAgeMs = age ? Number(age[1]) * (AGE_UNIT_MS[age[2] ?? 'D'] ?? 0) : 0;
  read.done();
  return config;
}

/** The named tokens of API_TOKENS (JSON) or API_TOKENS_FILE (a file holding it) beside API_TOKEN and API_READ_TOKEN; a problem names the variable, never a token. */
function readTokens(read: EnvReader, apiToken: string | undefined, apiReadToken: string | undefined): NamedToken[] {
  const inline = read.optional('API_TOKENS');
  const file = read.optional('API_TOKENS_FILE');
  read.check('API_TOKENS_FILE', !(inline && file), 'cannot be set together with API_TOKENS: choose one');
  let text: string | undefined = inline;
  if (file !== undefined && inline === undefined) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      read.check('API_TOKENS_FILE', false, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return [];
    }
  }
  const tokens = parseTokens(text, apiToken, apiReadToken);
  if (typeof tokens === 'string') {
    read.check(inline === undefined ? 'API_TOKENS_FILE' : 'API_TOKENS', false, tokens);
    return [];
  }
  return tokens;
}

/** WEBHOOKS (JSON) or WEBHOOKS_FILE (a file holding it); a problem names the variable, never a URL (it may hold a secret). */
function readWebhooks(read: EnvReader): WebhookTarget[] {
  const inline = read.optional('WEBHOOKS');
  const file = read.optional('WEBHOOKS_FILE');
  read.check('WEBHOOKS_FILE', !(inline && file), 'cannot be set together with WEBHOOKS: choose one');
  let text: string | undefined = inline;
  const from = file ? 'WEBHOOKS_FILE' : 'WEBHOOKS';
  if (file && !inline) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      read.check('WEBHOOKS_FILE', false, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return [];
    }
  }
  if (text === undefined) return [];
  try {
    return parseTargets(text);
  } catch (error) {
    read.problems.push(`${from}: ${(error as Error).message}`);
    return [];
  }
}
