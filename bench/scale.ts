/**
 * The agent at host density: CPU (% of one core, with its fping children), RSS and cycle duration
 * with 100, 500 and 1,000 monitored containers, the check cycle fed by the event-fed inventory
 * beside the cycle that inspects every container (INVENTORY_RESYNC_MS=0), next to the interval and
 * a bare Node process and fping alone (every container once a second: how fast the machine is
 * right now) measured in the same run, and the sequential verdict's probe budget (PROBE_BUDGET)
 * beside no budget. Each run is measured twice: a quiet window once every container has had its
 * first verdict (what monitoring costs: the target), then a window in which three containers are
 * killed. Nothing else is faulted: every other restart is a false one, and each killed one must be
 * healed.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../lab/agent-process.js';
import { waitFor } from '../lab/wait.js';
import { engine, removeRunContainers, RUN_LABEL, runId, TARGET_IMAGE } from '../lab/docker.js';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

const INTERVAL_MS = 5000;
const SAMPLE_CYCLES = 4;
const KILLED = 3;
/** The agent's default PROBE_BUDGET (steady probes a second), to skip the no-budget variant where it would be the same. */
const DEFAULT_BUDGET = 1000;

async function usageOf(pid: number, forMs: number) {
  const sampler = sampleUsage(pid, 1000);
  await new Promise((resolve) => setTimeout(resolve, forMs));
  return sampler.stop();
}

interface Variant {
  name: string;
  env: Record<string, string>;
  /** The variant the targets are about. */
  target?: boolean;
}

export const VARIANTS: Variant[] = [
  { name: 'inspect per container, sequential verdict', env: { PROBER: 'fping', VERDICT: 'sequential', INVENTORY_RESYNC_MS: '0' } },
  { name: 'inventory, sequential verdict (the default)', env: { PROBER: 'fping', VERDICT: 'sequential' }, target: true },
  {
    name: 'inventory, sequential verdict, no probe budget (every container 4/s)',
    env: { PROBER: 'fping', VERDICT: 'sequential', PROBE_BUDGET: '1000000' },
  },
  { name: 'inventory, classic verdict', env: { PROBER: 'fping', VERDICT: 'classic' } },
];

export async function scale(sizes = [100, 500, 1000], variants = VARIANTS): Promise<BenchResult> {
  const docker = engine();
  const most = Math.max(...sizes);
  const names = Array.from({ length: most }, (_, i) => `scale-${runId}-${i}`);
  console.log(`creating ${most} containers`);
  let created = 0;
  await mapWithConcurrency(names, 8, async (name) => {
    const c = await docker.createContainer({
      name,
      Image: TARGET_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { [RUN_LABEL]: runId },
      HostConfig: { NetworkMode: 'bridge' },
    });
    await c.start();
    if (++created % 250 === 0) console.log(`  ${created} running`);
  });
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const bare = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const reference = await usageOf(bare.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
    bare.kill();
    console.log(`bare Node process: CPU ${reference.cpuPercent.toFixed(2)} %, RSS ${reference.rssMaxMb.toFixed(0)} MB`);
    raw['bareNode'] = reference;
    const refText = `${reference.cpuPercent.toFixed(2)} % / ${reference.rssMaxMb.toFixed(0)} MB`;
    // How fast this machine is right now: fping alone probing every container once a second, the
    // default's probing at 1,000 containers. Figures on a shared 2-core lab move by a factor of 2-3
    // from one hour to the next; the ratio to this reference moves far less.
    const ips = (await docker.listContainers({ filters: { label: [`${RUN_LABEL}=${runId}`] } })).flatMap((c) =>
      Object.values(c.NetworkSettings?.Networks ?? {})
        .map((n) => n.IPAddress)
        .filter(Boolean)
        .slice(0, 1),
    );
    const fpingAlone = spawn('fping', ['-l', '-p', '1000', '-t', '100', '-r', '0', '-i', '0.1', ...ips], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const probing = await usageOf(fpingAlone.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
    fpingAlone.kill();
    console.log(`fping alone, ${ips.length} targets once a second: CPU ${probing.cpuPercent.toFixed(2)} %`);
    raw['fpingAlone'] = { targets: ips.length, ...probing };

    for (const size of sizes) {
      for (const variant of variants) {
        // At this size the budget does not bind: "no budget" would be the default again.
        if (variant.env['PROBE_BUDGET'] && size * 4 <= DEFAULT_BUDGET) continue; // 4 probes a second each (PROBE_PERIOD_MS 250)
        const monitored = names.slice(0, size);
        const agent = startAgent(
          { MONITORED: monitored.join(','), CHECK_INTERVAL_MS: String(INTERVAL_MS), ...variant.env },
          mkdtempSync(join(tmpdir(), 'scale-')),
        );
        await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 120_000);
        // Past the start: every container's first verdict (the sequential test's first ok after
        // about 10 probes; the classic check of the first cycle), so the quiet window shows the steady cost.
        const judged = (): number =>
          new Set(
            agent
              .log()
              .filter((e) => e.container !== undefined && e.verdict !== undefined)
              .map((e) => e.container),
          ).size;
        await waitFor("every container's first verdict", () => judged() >= size || undefined, 120_000, 1000);
        const quiet = await usageOf(agent.child.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
        const sampling = usageOf(agent.child.pid ?? 0, SAMPLE_CYCLES * INTERVAL_MS);
        // A few real faults, so healing is shown to work at this size: each must be started again.
        const killed = monitored.filter((_, i) => i % Math.floor(size / KILLED) === 1).slice(0, KILLED);
        await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
        await Promise.all(killed.map((name) => docker.getContainer(name).kill()));
        const usage = await sampling;
        await new Promise((resolve) => setTimeout(resolve, 2000));
        const log = agent.log();
        await agent.stop();
        const healed = new Set(
          log.filter((e) => e.kind === 'action' && e.outcome === 'ok' && killed.includes(String(e.container))).map((e) => e.container),
        );
        const falseRestarts = log.filter((e) => e.kind === 'action' && !killed.includes(String(e.container))).length;
        const cycles = log.filter((e) => e.kind === 'cycle').map((e) => Number(e['durationMs']));
        const [resync = NaN, ...rest] = cycles; // the first cycle is a full resync
        const c = summarize(rest);
        const times = (u: { cpuPercent: number }): string => `${(u.cpuPercent / probing.cpuPercent).toFixed(1)}x fping alone`;
        console.log(
          `${String(size).padStart(4)} monitored, ${variant.name}: CPU ${quiet.cpuPercent.toFixed(1)} % (${times(quiet)}), RSS ${quiet.rssMaxMb.toFixed(0)} MB; with 3 kills ${usage.cpuPercent.toFixed(1)} % (${times(usage)}), RSS ${usage.rssMaxMb.toFixed(0)} MB; cycle median ${ms(c.median)} max ${ms(c.max)}, first (full) ${ms(resync)}; killed ${killed.length}, healed ${healed.size}; false restarts ${falseRestarts}`,
        );
        const isTarget = variant.target === true && size === 1000;
        const rssMax = Math.max(quiet.rssMaxMb, usage.rssMaxMb);
        rows.push({
          figure: `agent CPU / RSS, ${size} monitored, ${variant.name}`,
          value: `${quiet.cpuPercent.toFixed(1)} % / ${rssMax.toFixed(0)} MB`,
          reference: `bare Node process; fping alone, ${ips.length} targets at 1/s`,
          referenceValue: `${refText}; ${probing.cpuPercent.toFixed(1)} %`,
          ratio: times(quiet),
          target: isTarget ? '< 10 % / 150 MB' : '-',
          met: isTarget ? quiet.cpuPercent < 10 && rssMax < 150 : null,
        });
        rows.push({
          figure: `agent CPU while ${KILLED} containers are killed and healed, ${size} monitored, ${variant.name}`,
          value: `${usage.cpuPercent.toFixed(1)} %`,
          reference: `fping alone, ${ips.length} targets at 1/s`,
          referenceValue: `${probing.cpuPercent.toFixed(1)} %`,
          ratio: times(usage),
          target: '-',
          met: null,
        });
        rows.push({
          figure: `cycle duration, ${size} monitored, ${variant.name} (median / max; first, a full resync)`,
          value: `${ms(c.median)} / ${ms(c.max)}; ${ms(resync)}`,
          reference: 'the interval',
          referenceValue: ms(INTERVAL_MS),
          ratio: (c.max / INTERVAL_MS).toFixed(2),
          target: '< interval',
          met: c.max < INTERVAL_MS,
        });
        rows.push({
          figure: `false restarts / killed containers healed, ${size} monitored, ${variant.name}`,
          value: `${falseRestarts} / ${healed.size} of ${killed.length}`,
          reference: '-',
          referenceValue: '-',
          ratio: '-',
          target: `0 / ${killed.length} of ${killed.length}`,
          met: falseRestarts === 0 && healed.size === killed.length,
        });
        raw[`${size}-${variant.name}`] = { cycles, quiet, usage, falseRestarts, killed, healed: [...healed] };
        // Killed ones are running again (healed); start any that were not, for the next variant.
        await Promise.all(
          killed.map((name) =>
            docker
              .getContainer(name)
              .start()
              .catch(() => undefined),
          ),
        );
      }
    }
  } finally {
    await removeRunContainers(docker);
  }
  return { name: 'scale', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.argv[2] ?? '100,500,1000').split(',').map(Number);
  scale(sizes).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
