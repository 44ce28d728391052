/**
 * Runs every benchmark on the real engine (and broker) and writes bench/results/latest.{json,md}.
 * Needs the lab with three hosts and the images (npm run bench brings it up first).
 */
import { controlPlaneBench } from './control-plane.js';
import { dashboardBench } from './dashboard.js';
import { eventsBench } from './events.js';
import { failoverBench } from './failover.js';
import { gatherLatency } from './gather-latency.js';
import { healLatency } from './heal-latency.js';
import { lossLatency } from './loss-latency.js';
import { measureCost } from './measure-cost.js';
import { scale } from './scale.js';
import { soak } from './soak.js';
import { starvedBench } from './starved.js';
import { stormBench } from './storm.js';
import { hostFaultBench } from './host-fault.js';
import { hostileBench } from './hostile.js';
import { verdictBench } from './verdict.js';
import { serviceProbesBench } from './service-probes.js';
import { markdownTable, writeResults, type BenchResult } from './stats.js';

const benches: Record<string, () => Promise<BenchResult>> = {
  'heal-latency': () => healLatency(Number(process.env['BENCH_KILLS'] ?? 20)),
  'loss-latency': () => lossLatency(10),
  scale: () => scale([100, 500, 1000]),
  'control-plane': () => controlPlaneBench([10, 50, 100]),
  'gather-latency': () => gatherLatency({ hosts: 3, containersPerHost: 100 }),
  'measure-cost': () => measureCost(500),
  events: () => eventsBench(100_000),
  dashboard: () => dashboardBench(),
  failover: () => failoverBench(5),
  verdict: () => verdictBench(),
  starved: () => starvedBench(),
  storm: () => stormBench(),
  'host-fault': () => hostFaultBench(),
  hostile: () => hostileBench(),
  'service-probes': () => serviceProbesBench(Number(process.env['BENCH_SERVICES'] ?? 500)),
};

/** Long; only when asked for by name: npm run bench -- soak */
const onDemand: Record<string, () => Promise<BenchResult>> = {
  soak: () => soak({ durationMs: Number(process.env['SOAK_MS'] ?? 600_000), hosts: 3, dummiesPerHost: 7 }),
};

const only = process.argv.slice(2);
const results: BenchResult[] = [];
for (const [name, run] of Object.entries({ ...benches, ...onDemand })) {
  if (only.length > 0 ? !only.includes(name) : name in onDemand) continue;
  console.log(`\n== ${name}`);
  results.push(await run());
}
// A run of some benchmarks by name never overwrites the last full run's record (latest.*).
const file = only.length > 0 ? `partial-${only.join('-')}` : 'latest';
writeResults(results, file);
console.log(`\n${markdownTable(results)}`);
console.log(`written: bench/results/${file}.json, bench/results/${file}.md`);
