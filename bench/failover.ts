/**
 * Broker failover on the lab's 3-node cluster: the node an agent is connected to is killed
 * (SIGKILL), five times; measured are the time until the agent is connected to another node and
 * until a `PUT /threshold` is confirmed by it again, beside a command's round trip in steady state.
 */
import { startAgent } from '../lab/agent-process.js';
import { CLUSTER_PORTS, clusterAgentUrl, clusterUrl, connectedPort, ensureCluster, forgetClusterHost, killNode } from '../lab/cluster.js';
import { startControl } from '../lab/control-process.js';
import { runId } from '../lab/docker.js';
import { http } from '../lab/http.js';
import { waitFor } from '../lab/wait.js';
import { ms, ratio, summarize, type BenchResult } from './stats.js';

export async function failoverBench(rounds = 5): Promise<BenchResult> {
  await ensureCluster();
  const host = `failover-${runId}`;
  const control = await startControl({ AMQP_URL: clusterUrl('control'), GATHER_TIMEOUT_MS: '2000' });
  const [first, second, third] = CLUSTER_PORTS;
  const agent = startAgent({ AMQP_URL: clusterAgentUrl(host, [second, third, first]), AGENT_HOSTNAME: host, CHECK_INTERVAL_MS: '5000' });
  const confirmed = async (): Promise<boolean> => {
    const put = await http<{ confirmed?: string[] }>('PUT', `${control.url}/threshold`, { body: '60' });
    return put.status === 200 && (put.body.confirmed ?? []).includes(host);
  };
  const reconnects: number[] = [];
  const commands: number[] = [];
  const steady: number[] = [];
  try {
    await waitFor('the agent to be live', confirmed, 30_000, 200);
    for (let round = 0; round < rounds; round++) {
      for (let i = 0; i < 10; i++) steady.push((await http('PUT', `${control.url}/threshold`, { body: '60' })).ms);
      const port = connectedPort(agent.log());
      if (port === null) throw new Error('the agent logged no connection');
      const killedAt = Date.now();
      await killNode(port);
      const back = await agent.waitForLog(
        'the agent on another node',
        (e) => e.message.startsWith('bus connected to') && Date.parse(e.time) > killedAt,
        30_000,
      );
      reconnects.push(Date.parse(back.time) - killedAt);
      await waitFor('a command confirmed by the agent', confirmed, 30_000, 50);
      commands.push(Date.now() - killedAt);
      console.log(
        `round ${round + 1}: node ${port} killed; agent on another node after ${reconnects.at(-1)} ms, a command confirmed after ${commands.at(-1)} ms`,
      );
      await ensureCluster();
    }
  } finally {
    await agent.stop();
    await control.stop();
    forgetClusterHost(host);
  }
  const r = summarize(reconnects);
  const c = summarize(commands);
  const s = summarize(steady);
  return {
    name: 'failover',
    rows: [
      {
        figure: `agent on another node after its node was killed, median / max (${rounds} kills)`,
        value: `${ms(r.median)} / ${ms(r.max)}`,
        reference: 'PUT /threshold round trip, steady',
        referenceValue: ms(s.median),
        ratio: ratio(r.median, s.median),
        target: '-',
        met: null,
      },
      {
        figure: 'a command confirmed by that agent again, median / max',
        value: `${ms(c.median)} / ${ms(c.max)}`,
        reference: 'PUT /threshold round trip, steady',
        referenceValue: ms(s.median),
        ratio: ratio(c.median, s.median),
        target: '< 5 s',
        met: c.max < 5000,
      },
    ],
    raw: { reconnects, commands, steady },
  };
}
