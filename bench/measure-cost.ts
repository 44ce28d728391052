/**
 * What measuring costs at host density: 500 monitored containers (fping), the agent with nothing
 * measured (STATS=off, no /metrics) next to the same agent reading cgroup files and serving
 * /metrics scraped every 5 s as Prometheus would, and next to one asking the engine's one-shot
 * stats instead, and with the sequential verdict's continuous probing. Agent CPU (with its fping
 * children) and RSS, the engine's CPU, the cycle, the scrape. Targets: < 20 % of a core, < 150 MB.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent } from '../lab/agent-process.js';
import { engine, removeRunContainers, RUN_LABEL, runId, TARGET_IMAGE } from '../lab/docker.js';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

const INTERVAL_MS = 5000;
const SAMPLE_MS = 5 * INTERVAL_MS;

/** The engine of /var/run/docker.sock: the dockerd whose command line names no other socket. */
function enginePid(): number {
  for (const pid of execFileSync('pidof', ['dockerd']).toString().trim().split(/\s+/).map(Number)) {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('/run/watchdog-lab/')) return pid;
  }
  throw new Error('no dockerd for /var/run/docker.sock');
}

export async function measureCost(size = 500): Promise<BenchResult> {
  const docker = engine();
  const names = Array.from({ length: size }, (_, i) => `cost-${runId}-${i}`);
  console.log(`creating ${size} containers`);
  await mapWithConcurrency(names, 8, async (name) => {
    const c = await docker.createContainer({ name, Image: TARGET_IMAGE, Cmd: ['sleep', 'infinity'], Labels: { [RUN_LABEL]: runId } });
    await c.start();
  });
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const dockerd = enginePid();
  try {
    const variants: { label: string; env: Record<string, string>; scrape: boolean }[] = [
      { label: 'nothing measured (STATS=off, no /metrics)', env: { STATS: 'off', VERDICT: 'classic' }, scrape: false },
      { label: 'cgroup files, no /metrics', env: { STATS: 'cgroup', VERDICT: 'classic' }, scrape: false },
      { label: 'cgroup files + /metrics scraped every 5 s', env: { STATS: 'cgroup', METRICS_PORT: '0', VERDICT: 'classic' }, scrape: true },
      {
        label: "engine's one-shot stats + /metrics scraped every 5 s",
        env: { STATS: 'docker', METRICS_PORT: '0', VERDICT: 'classic' },
        scrape: true,
      },
      {
        label: 'sequential verdict (continuous probing, 4/s each) + cgroup files + /metrics',
        env: { STATS: 'cgroup', METRICS_PORT: '0', VERDICT: 'sequential' },
        scrape: true,
      },
    ];
    let reference: { cpu: number; rss: number } | null = null;
    for (const variant of variants) {
      const agent = startAgent(
        { MONITORED: names.join(','), CHECK_INTERVAL_MS: String(INTERVAL_MS), PROBER: 'fping', ...variant.env },
        mkdtempSync(join(tmpdir(), 'cost-')),
      );
      await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 60_000);
      const port = agent.log().find((e) => typeof e['metricsPort'] === 'number')?.['metricsPort'];
      const scrapes: number[] = [];
      let bytes = 0;
      const scraper = variant.scrape
        ? setInterval(() => {
            const started = performance.now();
            void fetch(`http://127.0.0.1:${String(port)}/metrics`).then(async (r) => {
              bytes = (await r.text()).length;
              scrapes.push(performance.now() - started);
            });
          }, INTERVAL_MS)
        : null;
      const agentUsage = sampleUsage(agent.child.pid ?? 0, 1000);
      const engineUsage = sampleUsage(dockerd, 1000);
      await new Promise((resolve) => setTimeout(resolve, SAMPLE_MS));
      const usage = agentUsage.stop();
      const engineCpu = engineUsage.stop().cpuPercent;
      if (scraper) clearInterval(scraper);
      const log = agent.log();
      await agent.stop();
      const cycles = summarize(
        log
          .filter((e) => e.kind === 'cycle')
          .slice(1)
          .map((e) => Number(e['durationMs'])),
      );
      const measured = log.filter((e) => e.kind === 'stats').length;
      const s = summarize(scrapes);
      console.log(
        `${variant.label}: agent CPU ${usage.cpuPercent.toFixed(1)} %, RSS ${usage.rssMaxMb.toFixed(0)} MB; engine CPU ${engineCpu.toFixed(1)} %; cycle median ${ms(cycles.median)} max ${ms(cycles.max)}; scrape ${scrapes.length ? `${ms(s.median)} for ${(bytes / 1024).toFixed(0)} KB` : '-'}; sampling warnings ${measured}`,
      );
      reference ??= { cpu: usage.cpuPercent, rss: usage.rssMaxMb };
      rows.push({
        figure: `agent CPU / RSS, ${size} monitored, ${variant.label}`,
        value: `${usage.cpuPercent.toFixed(1)} % / ${usage.rssMaxMb.toFixed(0)} MB`,
        reference: 'nothing measured',
        referenceValue: `${reference.cpu.toFixed(1)} % / ${reference.rss.toFixed(0)} MB`,
        ratio: `${(usage.cpuPercent / reference.cpu).toFixed(2)}x`,
        target: '< 20 % / 150 MB',
        met: usage.cpuPercent < 20 && usage.rssMaxMb < 150,
      });
      rows.push({
        figure: `engine CPU and cycle median / max, ${variant.label}`,
        value: `${engineCpu.toFixed(1)} %, ${ms(cycles.median)} / ${ms(cycles.max)}`,
        reference: 'the interval',
        referenceValue: ms(INTERVAL_MS),
        ratio: (cycles.max / INTERVAL_MS).toFixed(2),
        target: '< interval',
        met: cycles.max < INTERVAL_MS,
      });
      if (variant.scrape)
        rows.push({
          figure: `/metrics scrape, ${size} containers, ${variant.label.split(' +')[0]}`,
          value: `${ms(s.median)} median, ${(bytes / 1024).toFixed(0)} KB`,
          reference: '-',
          referenceValue: '-',
          ratio: '-',
          target: '-',
          met: null,
        });
      raw[variant.label] = { usage, engineCpu, cycles, scrapes, bytes, samplingWarnings: measured };
    }
  } finally {
    await removeRunContainers(docker);
  }
  return { name: 'measure-cost', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  measureCost(Number(process.argv[2] ?? 500)).then(
    (r) =>
      console.log(
        r.rows
          .map(
            (row) =>
              `${row.figure}: ${row.value} (ref ${row.referenceValue}, ${row.ratio}; target ${row.target}: ${row.met === null ? '-' : row.met ? 'met' : 'NOT met'})`,
          )
          .join('\n'),
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
