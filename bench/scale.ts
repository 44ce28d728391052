/**
 * The agent at host density: cycle duration, CPU (% of one core, with its ping/fping children)
 * and RSS with 100 and 500 monitored containers, for both probers, next to the interval and to a
 * bare Node process measured in the same run. Nothing is faulted, so every restart is a false one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../lab/agent-process.js';
import { engine, removeRunContainers, RUN_LABEL, runId, TARGET_IMAGE } from '../lab/docker.js';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

const INTERVAL_MS = 5000;
const SAMPLE_CYCLES = 4;

async function usageOf(pid: number, forMs: number) {
  const sampler = sampleUsage(pid, 1000);
  await new Promise((resolve) => setTimeout(resolve, forMs));
  return sampler.stop();
}

export async function scale(sizes = [100, 500], probers: ('ping' | 'fping')[] = ['ping', 'fping']): Promise<BenchResult> {
  const docker = engine();
  const most = Math.max(...sizes);
  const names = Array.from({ length: most }, (_, i) => `scale-${runId}-${i}`);
  console.log(`creating ${most} containers`);
  await mapWithConcurrency(names, 8, async (name) => {
    const c = await docker.createContainer({ name, Image: TARGET_IMAGE, Cmd: ['sleep', 'infinity'], Labels: { [RUN_LABEL]: runId } });
    await c.start();
  });
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const reference = await usageOf(bare.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
    bare.kill();
    console.log(`bare Node process: CPU ${reference.cpuPercent.toFixed(2)} %, RSS ${reference.rssMaxMb.toFixed(0)} MB`);
    raw['bareNode'] = reference;

    const idle = startAgent({ MONITORED: '', CHECK_INTERVAL_MS: String(INTERVAL_MS) });
    await idle.waitForLog('a cycle', (e) => e.kind === 'cycle');
    const idleUsage = await usageOf(idle.child.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
    await idle.stop();
    console.log(`idle agent:        CPU ${idleUsage.cpuPercent.toFixed(2)} %, RSS ${idleUsage.rssMaxMb.toFixed(0)} MB`);
    rows.push({ figure: 'agent idle: CPU / RSS', value: `${idleUsage.cpuPercent.toFixed(2)} % / ${idleUsage.rssMaxMb.toFixed(0)} MB`, reference: 'bare Node process', referenceValue: `${reference.cpuPercent.toFixed(2)} % / ${reference.rssMaxMb.toFixed(0)} MB`, ratio: '-', target: '-', met: null });
    raw['idle'] = idleUsage;

    for (const size of sizes) {
      for (const prober of probers) {
        const dir = mkdtempSync(join(tmpdir(), 'scale-'));
        const agent = startAgent({ MONITORED: names.slice(0, size).join(','), CHECK_INTERVAL_MS: String(INTERVAL_MS), PROBER: prober, VERDICT: 'classic' }, dir);
        await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 60_000);
        const usage = await usageOf(agent.child.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
        const log = agent.log();
        await agent.stop();
        const cycles = log.filter((e) => e.kind === 'cycle').slice(1).map((e) => Number(e['durationMs']));
        const falseRestarts = log.filter((e) => e.kind === 'action').length;
        const nonOk = log.filter((e) => e.kind === 'check' && e.verdict !== 'ok').length;
        const c = summarize(cycles);
        console.log(`${String(size).padStart(4)} monitored, ${prober.padEnd(5)}: cycle median ${ms(c.median)} max ${ms(c.max)} (interval ${INTERVAL_MS} ms); CPU ${usage.cpuPercent.toFixed(1)} %, RSS ${usage.rssMaxMb.toFixed(0)} MB; restarts ${falseRestarts}, non-ok checks ${nonOk}`);
        rows.push({ figure: `cycle duration, ${size} monitored, ${prober} (median / max)`, value: `${ms(c.median)} / ${ms(c.max)}`, reference: 'the interval', referenceValue: ms(INTERVAL_MS), ratio: (c.max / INTERVAL_MS).toFixed(2), target: size >= 500 ? '< interval' : '-', met: size >= 500 ? c.max < INTERVAL_MS : null });
        rows.push({ figure: `agent CPU / RSS, ${size} monitored, ${prober}`, value: `${usage.cpuPercent.toFixed(1)} % / ${usage.rssMaxMb.toFixed(0)} MB`, reference: 'bare Node process', referenceValue: `${reference.cpuPercent.toFixed(2)} % / ${reference.rssMaxMb.toFixed(0)} MB`, ratio: '-', target: size >= 500 ? '< 20 % / 150 MB' : '-', met: size >= 500 ? usage.cpuPercent < 20 && usage.rssMaxMb < 150 : null });
        rows.push({ figure: `false restarts, ${size} monitored, ${prober}`, value: String(falseRestarts), reference: '-', referenceValue: '-', ratio: '-', target: '0', met: falseRestarts === 0 });
        raw[`${size}-${prober}`] = { cycles, usage, falseRestarts, nonOkChecks: nonOk };
      }
    }
  } finally {
    await removeRunContainers(docker);
  }
  return { name: 'scale', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.argv[2] ?? '100,500').split(',').map(Number);
  const probers = (process.argv[3] ?? 'ping,fping').split(',') as ('ping' | 'fping')[];
  scale(sizes, probers).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
