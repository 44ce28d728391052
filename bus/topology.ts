/** Exchange, queue and routing-key names: the one place both sides of the bus agree on. */
import type { Channel } from 'amqplib';

/** Commands from control to agents (direct exchange, durable). */
export const COMMANDS_EXCHANGE = 'watchdog.commands';
/** Agents' heartbeats to every control replica (fanout exchange, durable). */
export const HEARTBEATS_EXCHANGE = 'watchdog.heartbeats';
/** RabbitMQ's direct reply-to pseudo-queue: replies go straight to the requesting channel. */
export const REPLY_TO = 'amq.rabbitmq.reply-to';

/** Routing key of commands for every agent. */
export const TO_ALL = 'all';
export const toHost = (hostname: string): string => `host.${hostname}`;

/** Each agent's durable queue: commands wait there while the agent reconnects. */
export const agentQueue = (hostname: string): string => `watchdog.agent.${hostname}`;
/** An agent queue nobody has used for this long is deleted by the broker. */
export const AGENT_QUEUE_EXPIRES_MS = 7 * 24 * 3600 * 1000;

export const HEARTBEAT_INTERVAL_MS = 2000;

/** Declares the two exchanges; both sides call it in their setup, so either may start first. */
export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(COMMANDS_EXCHANGE, 'direct', { durable: true });
  await channel.assertExchange(HEARTBEATS_EXCHANGE, 'fanout', { durable: true });
}
