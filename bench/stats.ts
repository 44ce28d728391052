/** Small statistics and result files for the benchmarks. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Summary {
  n: number;
  median: number;
  p95: number;
  p99: number;
  max: number;
}

export function summarize(samples: number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, median: at(0.5), p95: at(0.95), p99: at(0.99), max: sorted.at(-1) ?? NaN };
}

/** One line of a result table: a figure next to the reference measured in the same run. */
export interface Row {
  figure: string;
  value: string;
  reference: string;
  referenceValue: string;
  ratio: string;
  target: string;
  met: boolean | null;
}

export interface BenchResult {
  name: string;
  rows: Row[];
  raw: Record<string, unknown>;
}

export const ms = (value: number): string => `${value.toFixed(1)} ms`;
export const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}x`;

export function markdownTable(results: BenchResult[]): string {
  const lines = ['| figure | value | reference (same run) | reference value | ratio | target | met |', '|---|---|---|---|---|---|---|'];
  for (const result of results) {
    for (const r of result.rows) {
      lines.push(
        `| ${r.figure} | ${r.value} | ${r.reference} | ${r.referenceValue} | ${r.ratio} | ${r.target} | ${r.met === null ? '-' : r.met ? 'yes' : 'no'} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `<name>.json` (every row and raw sample) and `<name>.md` (the table) into bench/results. */
export function writeResults(results: BenchResult[], name = 'latest', dir = new URL('./results/', import.meta.url).pathname): void {
  mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString();
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify({ measuredAt: stamp, results }, null, 2)}\n`);
  writeFileSync(
    join(dir, `${name}.md`),
    `Measured ${stamp} on ${process.platform}/${process.arch}, Node ${process.version}.\n\n${markdownTable(results)}`,
  );
}
