/**
 * What a real agent puts on the real broker is what asyncapi.yaml describes: its heartbeats, its
 * list_response and its acks are captured from RabbitMQ and checked against the document's schemas.
 */
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import amqp from 'amqplib';
import { encode, parseHeartbeat, parseReply, type Command } from '../../bus/messages.js';
import { COMMANDS_EXCHANGE, HEARTBEATS_EXCHANGE, REPLIES_EXCHANGE, queryHost, toHost } from '../../bus/topology.js';
import { agentBrokerUrl, brokerUrl } from '../../lab/broker-users.js';
import { startAgent } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { createTarget, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const hostname = `contract-${runId}`;
after(async () => {
  await removeRunContainers();
  await deleteAgentQueues([hostname]);
});

it("a real agent's heartbeats, list_response and acks match asyncapi.yaml", async () => {
  const name = uniqueName('contract');
  await createTarget(name);
  const agent = startAgent({ AMQP_URL: agentBrokerUrl(hostname), AGENT_HOSTNAME: hostname, MONITORED: name, CHECK_INTERVAL_MS: '60000' });
  const connection = await amqp.connect(brokerUrl('control')); // this test plays control
  try {
    const channel = await connection.createChannel();
    const heartbeats: Buffer[] = [];
    const replies: Buffer[] = [];
    const { queue: beats } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(beats, HEARTBEATS_EXCHANGE, '');
    await channel.consume(beats, (m) => m && heartbeats.push(m.content), { noAck: true });
    const { queue: inbox } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(inbox, REPLIES_EXCHANGE, inbox);
    await channel.consume(inbox, (m) => m && replies.push(m.content), { noAck: true });

    await waitFor('a heartbeat of the agent', () => heartbeats.some((b) => b.toString().includes(hostname)), 15_000);
    const send = (command: Command) =>
      channel.publish(COMMANDS_EXCHANGE, command.kind === 'list_request' ? queryHost(hostname) : toHost(hostname), encode(command), {
        replyTo: inbox,
        correlationId: command.kind,
        userId: 'control',
      });
    send({ kind: 'list_request' });
    send({ kind: 'actives', hostname, name, monitored: true });
    send({ kind: 'actives', hostname, name: `missing-${runId}`, monitored: true });
    await waitFor('three replies', () => replies.length >= 3, 10_000);

    for (const body of heartbeats.filter((b) => b.toString().includes(hostname)))
      assert.deepEqual(parseHeartbeat(body).ok, true, body.toString());
    const parsed = replies.map((body) => parseReply(body));
    for (const [i, reply] of parsed.entries()) assert.ok(reply.ok, `${replies[i]?.toString()}: ${reply.ok ? '' : reply.reason}`);
    const values = parsed.flatMap((p) => (p.ok ? [p.value] : []));
    assert.ok(values.some((r) => r.kind === 'list_response' && r.containers.some((c) => c.name === name && c.monitored)));
    assert.ok(values.some((r) => r.kind === 'ack' && r.ok && r.container?.name === name));
    assert.ok(values.some((r) => r.kind === 'ack' && !r.ok && r.error === 'not_found'));
  } finally {
    await connection.close().catch(() => undefined);
    await agent.stop();
  }
});
