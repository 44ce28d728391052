/**
 * The two loss verdicts side by side on the lab: containers losing 0, 30, 50, 55, 65, 70, 90 and
 * 100 % of their outgoing packets (iptables' statistic match inside each one's namespace), threshold
 * 60, one agent with the sequential verdict and one with the classic verdict (each on its own
 * containers, default settings, 5 s interval), for VERDICT_BENCH_MS (10 minutes). For each level:
 * the share restarted and the time from loss to the first restart (median, p95). A restart gives a
 * container a new network namespace without the rule, so only the first restart counts. Times are
 * to the restart being ordered (the verdict) and to the container running again (after the stop
 * grace, STOP_TIMEOUT_S = 2 s here since the target's `sleep` ignores SIGTERM).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startAgent, type AgentProcess } from '../lab/agent-process.js';
import { engine, removeRunContainers, RUN_LABEL, runId, TARGET_IMAGE } from '../lab/docker.js';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { summarize, type BenchResult, type Row } from './stats.js';

const LEVELS = (process.env['VERDICT_BENCH_LEVELS'] ?? '0,30,50,55,65,70,90,100').split(',').map(Number);
const VERDICTS = (process.env['VERDICT_BENCH_VERDICTS'] ?? 'sequential,classic').split(',') as ('sequential' | 'classic')[];
const run = promisify(execFile);

async function injectLoss(pid: number, percent: number): Promise<void> {
  if (percent === 0) return;
  const match = percent >= 100 ? [] : ['-m', 'statistic', '--mode', 'random', '--probability', String(percent / 100)];
  await run('nsenter', ['-t', String(pid), '-n', 'iptables', '-A', 'OUTPUT', '-p', 'icmp', ...match, '-j', 'DROP']);
}

interface Target { name: string; level: number; verdict: 'sequential' | 'classic'; injectedAt: number }

export async function verdictBench(perLevel = Number(process.env['VERDICT_BENCH_PER_LEVEL'] ?? 30), durationMs = Number(process.env['VERDICT_BENCH_MS'] ?? 600_000)): Promise<BenchResult> {
  const docker = engine();
  const targets: Target[] = [];
  for (const verdict of VERDICTS) {
    for (const level of LEVELS) for (let i = 0; i < perLevel; i++) targets.push({ name: `v-${runId}-${verdict.slice(0, 3)}-${level}-${i}`, level, verdict, injectedAt: 0 });
  }
  console.log(`creating ${targets.length} containers`);
  await mapWithConcurrency(targets, 8, async (t) => {
    const c = await docker.createContainer({ name: t.name, Image: TARGET_IMAGE, Cmd: ['sleep', 'infinity'], Labels: { [RUN_LABEL]: runId } });
    await c.start();
  });
  const agents: Record<string, AgentProcess> = {};
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    for (const verdict of VERDICTS) {
      agents[verdict] = startAgent({
        AGENT_HOSTNAME: `verdict-${verdict}`, VERDICT: verdict, LOSS_THRESHOLD: '60', CHECK_INTERVAL_MS: '5000', RESTART_LIMIT: '1000',
        MONITORED: targets.filter((t) => t.verdict === verdict).map((t) => t.name).join(','),
      }, mkdtempSync(join(tmpdir(), `verdict-${verdict}-`)));
    }
    for (const agent of Object.values(agents)) await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 120_000);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    console.log(`injecting loss; watching for ${durationMs / 1000} s`);
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
    console.log(`loss injected in ${(Date.now() - Math.min(...targets.map((t) => t.injectedAt))) / 1000} s; one iptables call: median ${c.median} ms, max ${c.max} ms`);
    raw['injectionMs'] = calls;
    await new Promise((resolve) => setTimeout(resolve, durationMs));
    for (const verdict of VERDICTS) {
      const log = agents[verdict]?.log() ?? [];
      if (process.env['VERDICT_BENCH_DUMP']) writeFileSync(`${process.env['VERDICT_BENCH_DUMP']}-${verdict}.json`, JSON.stringify({ targets: targets.filter((t) => t.verdict === verdict), log }));
      const firstRestart = new Map<string, { ordered: number; done: number }>();
      for (const e of log) {
        if (e.kind === 'action' && e.outcome === 'ok' && e.container && !firstRestart.has(e.container)) {
          firstRestart.set(e.container, { ordered: Date.parse(e.time) - Number(e['durationMs'] ?? 0), done: Date.parse(e.time) });
        }
      }
      for (const level of LEVELS) {
        const mine = targets.filter((t) => t.verdict === verdict && t.level === level);
        const times = mine.map((t) => (firstRestart.get(t.name)?.ordered ?? NaN) - t.injectedAt).filter((ms) => Number.isFinite(ms));
        const done = summarize(mine.map((t) => (firstRestart.get(t.name)?.done ?? NaN) - t.injectedAt).filter((ms) => Number.isFinite(ms)));
        const share = times.length / mine.length;
        const s = summarize(times);
        const within30 = times.filter((ms) => ms <= 30_000).length / mine.length;
        const [target, met] =
          verdict === 'classic' ? ['-', null]
          : level === 0 ? ['0 restarted', times.length === 0]
          : level <= 50 ? ['<= 1 % restarted', share <= 0.01]
          : level === 100 ? ['p95 <= 1.5 s', s.p95 <= 1500]
          : level >= 70 ? ['>= 99 % within 30 s', within30 >= 0.99]
          : ['-', null];
        const fmt = (x: number) => (Number.isFinite(x) ? `${(x / 1000).toFixed(1)} s` : '-');
        console.log(`${verdict.padEnd(10)} ${String(level).padStart(3)} %: ${(share * 100).toFixed(0)} % restarted, ordered after median ${fmt(s.median)}, p95 ${fmt(s.p95)}; running again p95 ${fmt(done.p95)}`);
        rows.push({ figure: `${verdict}: loss ${level} %, restarted within ${durationMs / 60_000} min; restart ordered median / p95 (running again p95)`, value: `${(share * 100).toFixed(0)} % (${times.length}/${mine.length}); ${fmt(s.median)} / ${fmt(s.p95)} (${fmt(done.p95)})`, reference: verdict === 'sequential' ? 'classic, same level' : '-', referenceValue: '-', ratio: '-', target: target as string, met: met as boolean | null });
        raw[`${verdict}-${level}`] = { restartedMs: times, containers: mine.length };
      }
    }
    // Each sequential row's reference is the classic row of the same level.
    for (const row of rows.filter((r) => r.figure.startsWith('sequential'))) {
      const level = /loss (\d+) %/.exec(row.figure)?.[1];
      row.referenceValue = rows.find((r) => r.figure.startsWith(`classic: loss ${level} %`))?.value ?? '-';
    }
  } finally {
    await Promise.all(Object.values(agents).map((a) => a.stop()));
    await removeRunContainers(docker);
  }
  return { name: 'verdict', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  verdictBench().then(
    (r) => console.log(r.rows.map((row) => `${row.figure}: ${row.value} (classic: ${row.referenceValue}; target ${row.target}: ${row.met === null ? '-' : row.met ? 'met' : 'NOT met'})`).join('\n')),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
