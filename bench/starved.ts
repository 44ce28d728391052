/**
 * The sequential verdict on a starved machine: the verdict bench's levels (threshold 60), first
 * with the machine as it is, then with two CPU hogs (one per core of the lab) running for the whole
 * second trial, in the same run. Targets for the starved trial: nothing restarted at 50 % loss or
 * less, >= 99 % restarted within 30 s at 70 % or more, 100 % loss restarted p95 <= 3 s. Each row's
 * reference is the same level unstarved.
 *
 * STARVED_BENCH_MS (default 180 s) per trial, STARVED_BENCH_PER_LEVEL (20), STARVED_BENCH_LEVELS
 * (the verdict bench's: 0,30,50,55,65,70,90,100), STARVED_BENCH_HOGS (2).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { describeLevel, levelTarget, verdictTrial, type LevelOutcome, type TrialOptions } from './verdict.js';
import type { BenchResult, Row } from './stats.js';

/** Busy loops, one process each, until stopped. */
function startHogs(n: number): ChildProcess[] {
  return Array.from({ length: n }, () => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
}

export async function starvedBench(): Promise<BenchResult> {
  const base: Omit<TrialOptions, 'tag'> = {
    levels: (process.env['STARVED_BENCH_LEVELS'] ?? '0,30,50,55,65,70,90,100').split(',').map(Number),
    verdicts: ['sequential'],
    perLevel: Number(process.env['STARVED_BENCH_PER_LEVEL'] ?? 20),
    durationMs: Number(process.env['STARVED_BENCH_MS'] ?? 180_000),
    ...(process.env['VERDICT_BENCH_DUMP'] ? { dump: process.env['VERDICT_BENCH_DUMP'] } : {}),
  };
  console.log('-- unstarved');
  const quiet = await verdictTrial({ ...base, tag: 'q' });
  const hogCount = Number(process.env['STARVED_BENCH_HOGS'] ?? 2);
  console.log(`-- starved: ${hogCount} CPU hogs for the whole trial`);
  const hogs = startHogs(hogCount);
  let starved: LevelOutcome[];
  try {
    starved = await verdictTrial({ ...base, tag: 's' });
  } finally {
    for (const hog of hogs) hog.kill('SIGKILL');
  }
  const rows: Row[] = starved.map((r) => {
    const reference = quiet.find((q) => q.level === r.level);
    const target = levelTarget(r, 3000);
    console.log(`starved ${String(r.level).padStart(3)} %: ${describeLevel(r)}; unstarved: ${reference ? describeLevel(reference) : '-'}`);
    return {
      figure: `starved (${hogCount} CPU hogs): loss ${r.level} %, restarted within ${base.durationMs / 60_000} min; restart ordered median / p95 (running again p95)`,
      value: describeLevel(r),
      reference: 'unstarved, same level, same run',
      referenceValue: reference ? describeLevel(reference) : '-',
      ratio:
        reference && Number.isFinite(r.ordered.median) && Number.isFinite(reference.ordered.median)
          ? `${(r.ordered.median / reference.ordered.median).toFixed(2)}x`
          : '-',
      target: target?.[0] ?? '-',
      met: target?.[1] ?? null,
    };
  });
  return { name: 'starved', rows, raw: { quiet, starved } };
}
