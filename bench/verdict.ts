/**
 * The two loss verdicts side by side on the lab: containers losing 0, 30, 50, 55, 65, 70, 90 and
 * 100 % of their outgoing packets (iptables' statistic match inside each one's namespace), threshold
 * 60, one agent with the sequential verdict and one with the classic verdict (each on its own
 * containers, default settings, 5 s interval), for VERDICT_BENCH_MS (10 minutes). For each level:
 * the share restarted and the time from loss to the first restart (median, p95). A restart gives a
 * container a new network namespace without the rule, so only the first restart counts. Times are
 * to the restart being ordered (the verdict) and to the container running again (after the stop
 * grace, STOP_TIMEOUT_S = 2 s here since the target's `sleep` ignores SIGTERM).
 *
 * Most containers here lose packets at once, as on a host whose path broke: a path canary (a
 * container that loses nothing) tells the agents that the path is whole, so the loss is each
 * container's own.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type AgentProcess } from '../lab/agent-process.js';
import { engine, removeRunContainers, RUN_LABEL, runId, TARGET_IMAGE } from '../lab/docker.js';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { summarize, type BenchResult, type Row, type Summary } from './stats.js';

const run = promisify(execFile);

async function injectLoss(pid: number, percent: number): Promise<void> {
  if (percent === 0) return;
  const match = percent >= 100 ? [] : ['-m', 'statistic', '--mode', 'random', '--probability', String(percent / 100)];
  await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-A', 'OUTPUT', '-p', 'icmp', ...match, '-j', 'DROP']);
}

type VerdictKind = 'sequential' | 'classic';
interface Target {
  name: string;
  level: number;
  verdict: VerdictKind;
  injectedAt: number;
}

export interface TrialOptions {
  levels: number[];
  verdicts: VerdictKind[];
  perLevel: number;
  durationMs: number;
  /** Names this trial's containers and agents apart from another in the same run. */
  tag: string;
  /** Where to write each agent's log and the targets (VERDICT_BENCH_DUMP). */
  dump?: string;
}

/** One level's outcome for one verdict: times from the loss to the first restart ordered, and to running again. */
export interface LevelOutcome {
  verdict: VerdictKind;
  level: number;
  containers: number;
  restarted: number;
  ordered: Summary;
  running: Summary;
  orderedMs: number[];
  within30: number;
}

/** Containers at each loss level, an agent per verdict (with a path canary), the loss injected, watched for durationMs. */
export async function verdictTrial(o: TrialOptions): Promise<LevelOutcome[]> {
  const docker = engine();
  const targets: Target[] = [];
  for (const verdict of o.verdicts) {
    for (const level of o.levels)
      for (let i = 0; i < o.perLevel; i++)
        targets.push({ name: `v-${runId}-${o.tag}${verdict.slice(0, 3)}-${level}-${i}`, level, verdict, injectedAt: 0 });
  }
  const canary = `v-${runId}-${o.tag}canary`;
  console.log(`creating ${targets.length} containers and the path canary`);
  await mapWithConcurrency([...targets.map((t) => t.name), canary], 8, async (name) => {
    const c = await docker.createContainer({ name, Image: TARGET_IMAGE, Cmd: ['sleep', 'infinity'], Labels: { [RUN_LABEL]: runId } });
    await c.start();
  });
  const agents: Partial<Record<VerdictKind, AgentProcess>> = {};
  const out: LevelOutcome[] = [];
  try {
    for (const verdict of o.verdicts) {
      agents[verdict] = startAgent(
        {
          // Half the host's containers turn lossy within a minute here: the host's restart budget would pause
          // that (as it should on a real host); this bench measures the verdict, so the budget is lifted.
          AGENT_HOSTNAME: `verdict-${o.tag}${verdict}`,
          VERDICT: verdict,
          LOSS_THRESHOLD: '60',
          CHECK_INTERVAL_MS: '5000',
          RESTART_LIMIT: '1000',
          HOST_RESTART_LIMIT: '100000',
          PATH_CANARY: canary,
          MONITORED: targets
            .filter((t) => t.verdict === verdict)
            .map((t) => t.name)
            .join(','),
        },
        mkdtempSync(join(tmpdir(), `verdict-${verdict}-`)),
      );
    }
    for (const agent of Object.values(agents)) await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    console.log(`injecting loss; watching for ${o.durationMs / 1000} s`);
    // Containers in a shuffled order, so no level waits for the others; the loss counts from when
    // its iptables rule is in place (measured: under this load one call can take many seconds).
    const calls: number[] = [];
    const order = [...targets].sort(() => Math.random() - 0.5);
    await mapWithConcurrency(order, 16, async (t) => {
      const pid = (await docker.getContainer(t.name).inspect()).State.Pid;
      const started = Date.now();
      await injectLoss(pid, t.level);
      t.injectedAt = Date.now();
      calls.push(t.injectedAt - started);
    });
    const c = summarize(calls);
    console.log(
      `loss injected in ${(Date.now() - Math.min(...targets.map((t) => t.injectedAt))) / 1000} s; one iptables call: median ${c.median} ms, max ${c.max} ms`,
    );
    await new Promise((resolve) => setTimeout(resolve, o.durationMs));
    for (const verdict of o.verdicts) {
      const log = agents[verdict]?.log() ?? [];
      if (o.dump)
        writeFileSync(`${o.dump}-${o.tag}${verdict}.json`, JSON.stringify({ targets: targets.filter((t) => t.verdict === verdict), log }));
      const firstRestart = new Map<string, { ordered: number; done: number }>();
      for (const e of log) {
        if (e.kind === 'action' && e.outcome === 'ok' && e.container && !firstRestart.has(e.container)) {
          firstRestart.set(e.container, { ordered: Date.parse(e.time) - Number(e['durationMs'] ?? 0), done: Date.parse(e.time) });
        }
      }
      for (const level of o.levels) {
        const mine = targets.filter((t) => t.verdict === verdict && t.level === level);
        const orderedMs = mine.map((t) => (firstRestart.get(t.name)?.ordered ?? NaN) - t.injectedAt).filter((ms) => Number.isFinite(ms));
        const running = summarize(
          mine.map((t) => (firstRestart.get(t.name)?.done ?? NaN) - t.injectedAt).filter((ms) => Number.isFinite(ms)),
        );
        out.push({
          verdict,
          level,
          containers: mine.length,
          restarted: orderedMs.length,
          ordered: summarize(orderedMs),
          running,
          orderedMs,
          within30: orderedMs.filter((ms) => ms <= 30_000).length,
        });
      }
    }
  } finally {
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await removeRunContainers(docker);
  }
  return out;
}

const fmt = (x: number): string => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)} s` : '-');

/** "restarted n/N; ordered median / p95 (running again p95)" */
export function describeLevel(r: LevelOutcome): string {
  return `${((r.restarted / r.containers) * 100).toFixed(0)} % (${r.restarted}/${r.containers}); ${fmt(r.ordered.median)} / ${fmt(r.ordered.p95)} (${fmt(r.running.p95)})`;
}

/** The sequential verdict's targets per level: [what, met]; null where there is none (the indifference zone). */
export function levelTarget(r: LevelOutcome, p95At100Ms: number): [string, boolean] | null {
  if (r.level === 0) return ['0 restarted', r.restarted === 0];
  if (r.level <= 50) return ['<= 1 % restarted', r.restarted / r.containers <= 0.01];
  if (r.level === 100) return [`p95 <= ${p95At100Ms / 1000} s`, r.ordered.p95 <= p95At100Ms];
  if (r.level >= 70) return ['>= 99 % within 30 s', r.within30 / r.containers >= 0.99];
  return null;
}

export async function verdictBench(
  perLevel = Number(process.env['VERDICT_BENCH_PER_LEVEL'] ?? 30),
  durationMs = Number(process.env['VERDICT_BENCH_MS'] ?? 600_000),
): Promise<BenchResult> {
  const levels = (process.env['VERDICT_BENCH_LEVELS'] ?? '0,30,50,55,65,70,90,100').split(',').map(Number);
  const verdicts = (process.env['VERDICT_BENCH_VERDICTS'] ?? 'sequential,classic').split(',') as VerdictKind[];
  const outcomes = await verdictTrial({
    levels,
    verdicts,
    perLevel,
    durationMs,
    tag: '',
    ...(process.env['VERDICT_BENCH_DUMP'] ? { dump: process.env['VERDICT_BENCH_DUMP'] } : {}),
  });
  const rows: Row[] = [];
  for (const r of outcomes) {
    const target = r.verdict === 'sequential' ? levelTarget(r, 1500) : null;
    const classic = outcomes.find((c) => c.verdict === 'classic' && c.level === r.level);
    console.log(`${r.verdict.padEnd(10)} ${String(r.level).padStart(3)} %: ${describeLevel(r)}`);
    rows.push({
      figure: `${r.verdict}: loss ${r.level} %, restarted within ${durationMs / 60_000} min; restart ordered median / p95 (running again p95)`,
      value: describeLevel(r),
      reference: r.verdict === 'sequential' ? 'classic, same level' : '-',
      referenceValue: r.verdict === 'sequential' && classic ? describeLevel(classic) : '-',
      ratio: '-',
      target: target?.[0] ?? '-',
      met: target?.[1] ?? null,
    });
  }
  return {
    name: 'verdict',
    rows,
    raw: Object.fromEntries(outcomes.map((r) => [`${r.verdict}-${r.level}`, { restartedMs: r.orderedMs, containers: r.containers }])),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  verdictBench().then(
    (r) =>
      console.log(
        r.rows
          .map(
            (row) =>
              `${row.figure}: ${row.value} (classic: ${row.referenceValue}; target ${row.target}: ${row.met === null ? '-' : row.met ? 'met' : 'NOT met'})`,
          )
          .join('\n'),
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
