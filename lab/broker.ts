/** Direct access to the real broker for tests: raw publishes (as a buggy or fake peer would) and clean-up. */
import amqp from 'amqplib';
import { encode } from '../bus/messages.js';
import { AGENT_QUEUE_EXPIRES_MS, COMMANDS_EXCHANGE, HEARTBEATS_EXCHANGE, TO_ALL, agentQueue, toHost } from '../bus/topology.js';
import { AMQP_URL } from './control-process.js';

/** Runs `work` on a confirm channel and waits until the broker has taken every publish. */
export async function withChannel<T>(work: (channel: amqp.ConfirmChannel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(AMQP_URL);
  connection.on('error', () => undefined);
  try {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => undefined);
    const result = await work(channel);
    await channel.waitForConfirms();
    return result;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Deletes the durable queues of the tests' agents, so the broker does not collect them. */
export async function deleteAgentQueues(hostnames: string[]): Promise<void> {
  await withChannel(async (channel) => {
    for (const host of hostnames) await channel.deleteQueue(agentQueue(host));
  }).catch(() => undefined);
}

/**
 * Plays a host whose agent is live (heartbeats, durable queue) but never answers: commands pile
 * up in its queue. Call it again within the host timeout to keep the host live.
 */
export async function announceSilentHost(hostname: string): Promise<void> {
  await withChannel(async (channel) => {
    const queue = agentQueue(hostname);
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-expires': AGENT_QUEUE_EXPIRES_MS } });
    await channel.bindQueue(queue, COMMANDS_EXCHANGE, TO_ALL);
    await channel.bindQueue(queue, COMMANDS_EXCHANGE, toHost(hostname));
    channel.publish(HEARTBEATS_EXCHANGE, '', encode({ kind: 'heartbeat', hostname, sentAt: new Date().toISOString(), threshold: 60, monitored: 0 }));
  });
}
