/**
 * Runs every benchmark on the real engine (and broker) and writes bench/results/latest.{json,md}.
 * Needs the lab: scripts/lab-up.sh (npm run bench runs it first).
 */
import { gatherLatency } from './gather-latency.js';
import { healLatency } from './heal-latency.js';
import { markdownTable, writeResults, type BenchResult } from './stats.js';

const benches: Record<string, () => Promise<BenchResult>> = {
  'heal-latency': () => healLatency(Number(process.env['BENCH_KILLS'] ?? 20)),
  'gather-latency': () => gatherLatency({ hosts: 2, containersPerHost: 20 }),
};

const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [name, run] of Object.entries(benches)) {
  if (only.length > 0 && !only.includes(name)) continue;
  console.log(`\n== ${name}`);
  results.push(await run());
}
writeResults(results);
console.log(`\n${markdownTable(results)}`);
console.log('written: bench/results/latest.json, bench/results/latest.md');
