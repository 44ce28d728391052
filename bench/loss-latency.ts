/**
 * Time from 100 % packet loss starting to the container restarted, next to the probe time itself
 * (a probe of a silent container, and of a healthy one) measured in the same run.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startAgent } from '../lab/agent-process.js';
import { createTarget, dropOutgoing, engine, removeRunContainers, uniqueName } from '../lab/docker.js';
import { waitFor } from '../lab/wait.js';
import { ms, ratio, summarize, type BenchResult } from './stats.js';

async function probeTime(ip: string): Promise<number> {
  const started = performance.now();
  await promisify(execFile)('ping', ['-n', '-q', '-c', '5', '-i', '0.2', '-W', '1', ip]).catch(() => undefined);
  return performance.now() - started;
}

export async function lossLatency(rounds = 10, intervalMs = 2000): Promise<BenchResult> {
  const docker = engine();
  const name = uniqueName('bench-loss');
  const silent = uniqueName('bench-silent');
  await createTarget(name);
  await createTarget(silent);
  await dropOutgoing(silent, []);
  const ipOf = async (n: string) => (await docker.getContainer(n).inspect()).NetworkSettings.Networks['bridge']?.IPAddress ?? '';
  const agent = startAgent({ MONITORED: name, CHECK_INTERVAL_MS: String(intervalMs), RESTART_LIMIT: '1000' });
  const samples: number[] = [];
  const silentProbe: number[] = [];
  const healthyProbe: number[] = [];
  try {
    await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle');
    for (let i = 0; i < rounds; i++) {
      silentProbe.push(await probeTime(await ipOf(silent)));
      healthyProbe.push(await probeTime(await ipOf(name)));
      const startedAt = (await docker.getContainer(name).inspect()).State.StartedAt;
      // Start at a random point of the cycle, as a real fault would.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * intervalMs));
      const injected = Date.now();
      await dropOutgoing(name, []);
      await waitFor('the restart', async () => (await docker.getContainer(name).inspect()).State.StartedAt !== startedAt, 20_000, 10);
      samples.push(Date.now() - injected);
      await agent.waitForLog(
        'a healthy check after the restart',
        (e) => e.container === name && e.verdict === 'ok' && Date.parse(e.time) > injected + 100,
        20_000,
      );
    }
  } finally {
    await agent.stop();
    await removeRunContainers(docker);
  }
  const heal = summarize(samples);
  const probe = summarize(silentProbe);
  const healthy = summarize(healthyProbe);
  const bound = intervalMs + probe.median;
  console.log(
    `100 % loss to restarted (${rounds} rounds, interval ${intervalMs} ms): median ${ms(heal.median)}  p95 ${ms(heal.p95)}  max ${ms(heal.max)}`,
  );
  console.log(`  probe time: silent container ${ms(probe.median)}, healthy ${ms(healthy.median)}; bound interval + probe = ${ms(bound)}`);
  return {
    name: 'loss-latency',
    rows: [
      {
        figure: `100 % loss to restarted, median / p95 (interval ${intervalMs} ms)`,
        value: `${ms(heal.median)} / ${ms(heal.p95)}`,
        reference: 'interval + probe of a silent container',
        referenceValue: ms(bound),
        ratio: ratio(heal.p95, bound),
        target: 'p95 within interval + probe (+ restart)',
        met: heal.p95 <= bound + 500,
      },
      {
        figure: 'probe time, silent / healthy container',
        value: `${ms(probe.median)} / ${ms(healthy.median)}`,
        reference: '-',
        referenceValue: '-',
        ratio: '-',
        target: '-',
        met: null,
      },
    ],
    raw: { healMs: samples, silentProbeMs: silentProbe, healthyProbeMs: healthyProbe },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  lossLatency(Number(process.argv[2] ?? 10)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
