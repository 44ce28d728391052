/** Exchange, queue and routing-key names, read from asyncapi.yaml's channels (through the generated contract). */
import type { Channel } from 'amqplib';
import { channelAddresses } from './contract.generated.js';

/** Commands from control to agents (topic exchange, durable: topic permissions keep each agent to its own routing keys). */
export const COMMANDS_EXCHANGE = channelAddresses.commands;
/** Agents' heartbeats to every control replica (fanout exchange, durable). */
export const HEARTBEATS_EXCHANGE = channelAddresses.heartbeats;
/** Events from agents and antagonists (fanout exchange, durable), kept in EVENTS_STREAM. */
export const EVENTS_EXCHANGE = channelAddresses.events;
/** The stream queue that keeps every event for EVENTS_MAX_AGE; control declares and reads it. */
export const EVENTS_STREAM = `${channelAddresses.events}.stream`;
/** Replies from agents (direct exchange, durable): routing key is the requesting control's reply queue. */
export const REPLIES_EXCHANGE = channelAddresses.replies;

/** Routing key of commands for every agent. */
export const TO_ALL = 'all';
export const toHost = (hostname: string): string => `host.${hostname}`;
/** Routing keys of queries (list_request): they reach only the query queues of live agents. */
export const QUERY_ALL = 'query.all';
export const queryHost = (hostname: string): string => `query.host.${hostname}`;

/** Each agent's durable quorum queue: state-changing commands wait there while the agent reconnects. */
export const agentQueue = (hostname: string): string => channelAddresses.agentQueue.replace('{hostname}', hostname);
/** Each agent's query queue: exclusive to its connection, so queries never wait for a gone agent. */
export const agentQueries = (hostname: string): string => channelAddresses.agentQueries.replace('{hostname}', hostname);
/** The command queue's name before queries had their own (a classic queue); agents delete it. */
export const legacyAgentQueue = (hostname: string): string => `watchdog.agent.${hostname}`;
/** An agent queue nobody has used for this long is deleted by the broker. */
export const AGENT_QUEUE_EXPIRES_MS = 7 * 24 * 3600 * 1000;
/** At most this many commands wait for one agent; past it the oldest are dropped (the newest state wins). */
export const AGENT_QUEUE_MAX_LENGTH = 1000;
export const QUERY_QUEUE_MAX_LENGTH = 100;

/** Declares an agent's two queues and binds them; the agent does it at every (re)connect, lab tests too. */
export async function declareAgentQueues(channel: Channel, hostname: string): Promise<void> {
  const commands = agentQueue(hostname);
  await channel.assertQueue(commands, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-expires': AGENT_QUEUE_EXPIRES_MS, 'x-max-length': AGENT_QUEUE_MAX_LENGTH },
  });
  await channel.bindQueue(commands, COMMANDS_EXCHANGE, TO_ALL);
  await channel.bindQueue(commands, COMMANDS_EXCHANGE, toHost(hostname));
  const queries = agentQueries(hostname);
  await channel.assertQueue(queries, {
    durable: false,
    exclusive: true,
    autoDelete: true,
    arguments: { 'x-max-length': QUERY_QUEUE_MAX_LENGTH },
  });
  await channel.bindQueue(queries, COMMANDS_EXCHANGE, QUERY_ALL);
  await channel.bindQueue(queries, COMMANDS_EXCHANGE, queryHost(hostname));
}

export const HEARTBEAT_INTERVAL_MS = 2000;

/**
 * Declares the four exchanges. Control does it at every connect, and the broker's definitions
 * (the stack's and the lab's) hold them, so agents, which may not configure exchanges, find them.
 */
export async function declareExchanges(channel: Channel): Promise<void> {
  await channel.assertExchange(COMMANDS_EXCHANGE, 'topic', { durable: true });
  await channel.assertExchange(REPLIES_EXCHANGE, 'direct', { durable: true });
  await channel.assertExchange(HEARTBEATS_EXCHANGE, 'fanout', { durable: true });
  await channel.assertExchange(EVENTS_EXCHANGE, 'fanout', { durable: true });
}

/**
 * Declares the events stream (a RabbitMQ stream queue: an append-only log, replicated on a
 * cluster, trimmed by age) and binds it to the events exchange. `maxAge` is RabbitMQ's form: 7D, 12h.
 */
export async function declareEventStream(channel: Channel, maxAge: string): Promise<void> {
  await channel.assertQueue(EVENTS_STREAM, { durable: true, arguments: { 'x-queue-type': 'stream', 'x-max-age': maxAge } });
  await channel.bindQueue(EVENTS_STREAM, EVENTS_EXCHANGE, '');
}
