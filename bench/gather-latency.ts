/**
 * GET /containers latency on the real broker and engines, all hosts answering and one silent,
 * next to a bare Docker container listing of one host measured in the same run.
 */
import Docker from 'dockerode';
import { agentBrokerUrl } from '../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../lab/agent-process.js';
import { announceSilentHost, deleteAgentQueues } from '../lab/broker.js';
import { startControl } from '../lab/control-process.js';
import { http } from '../lab/http.js';
import { createTarget, engine, hostSocket, removeRunContainers, runId, uniqueName } from '../lab/docker.js';
import { waitFor } from '../lab/wait.js';
import { ms, ratio, summarize, type BenchResult } from './stats.js';

/** Runs `work` `times` times; a sample is what `work` returns when it measures itself, else its duration. */
async function time(times: number, work: () => Promise<unknown>): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const measured = await work();
    samples.push(typeof measured === 'number' ? measured : performance.now() - started);
  }
  return samples;
}

export async function gatherLatency(options: { hosts?: number; containersPerHost?: number; requests?: number } = {}): Promise<BenchResult> {
  const hostCount = options.hosts ?? 2;
  const perHost = options.containersPerHost ?? 20;
  const requests = options.requests ?? 200;
  const engines = Array.from({ length: hostCount }, (_, i) => engine(hostSocket(i + 1)));
  const names = engines.map((_, i) => `bench-${i + 1}-${runId}`);
  await Promise.all(engines.flatMap((docker) => Array.from({ length: perHost }, () => createTarget(uniqueName('gather'), { docker }))));
  const control = await startControl();
  const agents: AgentProcess[] = names.map((name, i) =>
    startAgent({
      AMQP_URL: agentBrokerUrl(name),
      AGENT_HOSTNAME: name,
      DOCKER_HOST: `unix://${hostSocket(i + 1)}`,
      CHECK_INTERVAL_MS: '5000',
    }),
  );
  try {
    await waitFor(
      'every agent to be live',
      async () => {
        const hosts = (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body;
        return names.every((n) => hosts.some((h) => h.hostname === n && h.live));
      },
      30_000,
      100,
    );
    const url = `${control.url}/containers`;
    await time(20, () => http('GET', url)); // warm-up
    const bare = engines[0] as Docker;
    const all = summarize(await time(requests, () => http('GET', url)));
    const docker = summarize(await time(requests, () => bare.listContainers({ all: true })));
    // 50 callers at once for 3 s: with single flight the agents answer about once per gather in
    // flight, not once per call.
    const listRequests = () => (agents[0]?.log() ?? []).filter((e) => e.kind === 'command' && e['command'] === 'list_request').length;
    const before = listRequests();
    const burstEnd = performance.now() + 3000;
    const burst: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() < burstEnd) {
          const started = performance.now();
          await http('GET', url);
          burst.push(performance.now() - started);
        }
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 500)); // the agent's log lines land
    const answeredByAgent = listRequests() - before;
    const b = summarize(burst);
    console.log(
      `  50 callers for 3 s   ${(burst.length / 3).toFixed(0)} calls/s, median ${ms(b.median)} p99 ${ms(b.p99)}; list_requests one agent answered: ${answeredByAgent} for ${burst.length} calls`,
    );
    // A host whose heartbeats arrive but whose agent does not answer: every request waits for the deadline.
    const silentHost = `bench-silent-${runId}`;
    names.push(silentHost);
    const silentSamples = await time(5, async () => {
      await announceSilentHost(silentHost);
      const started = performance.now();
      await http('GET', url);
      return performance.now() - started;
    });
    const silent = summarize(silentSamples);
    const deadline = 4000;
    console.log(`GET /containers, ${hostCount} hosts x ${perHost}+ containers, ${requests} requests:`);
    console.log(`  all answering        median ${ms(all.median)}  p95 ${ms(all.p95)}`);
    console.log(`  bare Docker listing  median ${ms(docker.median)}  p95 ${ms(docker.p95)} (one host)`);
    console.log(
      `  one host silent      median ${ms(silent.median)}  max ${ms(silent.max)}  (deadline ${deadline} ms, +${ms(silent.max - deadline)})`,
    );
    return {
      name: 'gather-latency',
      rows: [
        {
          figure: `GET /containers median, ${hostCount} hosts x ${perHost} containers`,
          value: ms(all.median),
          reference: 'bare Docker listing, one host',
          referenceValue: ms(docker.median),
          ratio: ratio(all.median, docker.median),
          target: '< 20 ms',
          met: all.median < 20,
        },
        {
          figure: 'GET /containers p95',
          value: ms(all.p95),
          reference: 'bare Docker listing, one host',
          referenceValue: ms(docker.p95),
          ratio: ratio(all.p95, docker.p95),
          target: '-',
          met: null,
        },
        {
          figure: 'GET /containers, 50 concurrent callers for 3 s: calls/s (median / p99)',
          value: `${(burst.length / 3).toFixed(0)} (${ms(b.median)} / ${ms(b.p99)})`,
          reference: '-',
          referenceValue: '-',
          ratio: '-',
          target: '-',
          met: null,
        },
        {
          figure: 'list_requests one agent answered during those calls (single flight)',
          value: String(answeredByAgent),
          reference: 'calls made',
          referenceValue: String(burst.length),
          ratio: ratio(answeredByAgent, burst.length),
          target: '< calls / 10',
          met: answeredByAgent < burst.length / 10,
        },
        {
          figure: 'GET /containers with one host silent, max',
          value: ms(silent.max),
          reference: 'the deadline',
          referenceValue: ms(deadline),
          ratio: ratio(silent.max, deadline),
          target: '<= deadline + 100 ms',
          met: silent.max <= deadline + 100,
        },
      ],
      raw: { allMs: all, dockerMs: docker, silentMs: silentSamples },
    };
  } finally {
    await Promise.all(agents.map((a) => a.stop()));
    await control.stop();
    await deleteAgentQueues(names);
    await Promise.all(engines.map((d) => removeRunContainers(d)));
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  gatherLatency({ hosts: Number(process.argv[2] ?? 2), containersPerHost: Number(process.argv[3] ?? 20) }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
