/** Direct access to the real broker for tests: raw publishes (as a buggy or fake peer would) and clean-up. */
import amqp from 'amqplib';
import { agentQueue } from '../../bus/topology.js';
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
