/** Exchange, queue and routing-key names, read from asyncapi.yaml's channels (through the generated contract). */
import type { Channel } from 'amqplib';
import { channelAddresses } from './contract.generated.js';

/** Commands from control to agents (direct exchange, durable). */
export const COMMANDS_EXCHANGE = channelAddresses.commands;
/** Agents' heartbeats to every control replica (fanout exchange, durable). */
export const HEARTBEATS_EXCHANGE = channelAddresses.heartbeats;
/** RabbitMQ's direct reply-to pseudo-queue: replies go straight to the requesting channel. */
export const REPLY_TO = channelAddresses.replies;

/** Routing key of commands for every agent. */
export const TO_ALL = 'all';
export const toHost = (hostname: string): string => `host.${hostname}`;

/** Each agent's durable queue: commands wait there while the agent reconnects. */
export const agentQueue = (hostname: string): string => channelAddresses.agentQueue.replace('{hostname}', hostname);
/** An agent queue nobody has used for this long is deleted by the broker. */
export const AGENT_QUEUE_EXPIRES_MS = 7 * 24 * 3600 * 1000;

export const HEARTBEAT_INTERVAL_MS = 2000;

/** Declares the two exchanges; both sides call it in their setup, so either may start first. */
export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(COMMANDS_EXCHANGE, 'direct', { durable: true });
  await channel.assertExchange(HEARTBEATS_EXCHANGE, 'fanout', { durable: true });
}
