/** Direct access to the real broker for tests: raw publishes (as a buggy or fake peer would) and clean-up. */
import amqp from 'amqplib';
import { agentUser } from '../bus/identity.js';
import { encode } from '../bus/messages.js';
import { HEARTBEATS_EXCHANGE, agentQueue, declareAgentQueues, legacyAgentQueue } from '../bus/topology.js';
import { agentBrokerUrl, brokerUrl, forgetAgentUsers } from './broker-users.js';

/** Runs `work` on a confirm channel (as the lab's administrator, or the URL's user) and waits until the broker has taken every publish. */
export async function withChannel<T>(work: (channel: amqp.ConfirmChannel) => Promise<T>, url = brokerUrl('lab-admin')): Promise<T> {
  const connection = await amqp.connect(url);
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

/** Deletes the durable queues and the broker users of the tests' agents, so the broker does not collect them. */
export async function deleteAgentQueues(hostnames: string[]): Promise<void> {
  await withChannel(async (channel) => {
    for (const host of hostnames) {
      await channel.deleteQueue(agentQueue(host));
      await channel.deleteQueue(legacyAgentQueue(host));
    }
  }).catch(() => undefined);
  forgetAgentUsers(hostnames);
}

/**
 * Plays a host whose agent is live (heartbeats, durable queue) but never answers: commands pile
 * up in its queue. Call it again within the host timeout to keep the host live.
 */
export async function announceSilentHost(hostname: string): Promise<void> {
  const url = agentBrokerUrl(hostname);
  await withChannel(async (channel) => {
    await declareAgentQueues(channel, hostname);
    channel.publish(
      HEARTBEATS_EXCHANGE,
      '',
      encode({ kind: 'heartbeat', hostname, sentAt: new Date().toISOString(), threshold: 60, monitored: 0 }),
      { userId: agentUser(hostname) },
    );
  }, url);
}
