/**
 * A restart storm: STORM_SIZE (60) containers lose every packet at once. Reference, same run:
 * `docker restart` (the engine API's restart, same stop grace) of the same containers, ordered all
 * at once in batches of 1, 2, 4, 8, 16 and all: the time until each is running again, p95; the
 * best concurrency is the engine's own floor on this machine. Then the agent, at its default
 * RESTART_CONCURRENCY and at each STORM_CONCURRENCY given (default: 1, 8 and all at once), heals
 * the storm: every container must be running again, p95 within 1.5x of the best reference.
 * Times for the agent count from the restart being ordered (its first verdict of the storm; the
 * verdict's own time is the verdict bench's subject) and, beside it, from the loss.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { startAgent } from '../lab/agent-process.js';
import { createTarget, engine, removeRunContainers, state, uniqueName } from '../lab/docker.js';
import { waitFor } from '../lab/wait.js';
import { ms, ratio, summarize, type BenchResult, type Row } from './stats.js';

const STOP_GRACE_S = 2;

async function restartAll(names: string[], concurrency: number): Promise<number[]> {
  const docker = engine();
  const started = Date.now();
  return mapWithConcurrency(names, concurrency, async (name) => {
    await docker.getContainer(name).restart({ t: STOP_GRACE_S });
    return Date.now() - started;
  });
}

export async function stormBench(size = Number(process.env['STORM_SIZE'] ?? 60)): Promise<BenchResult> {
  const docker = engine();
  const names = Array.from({ length: size }, () => uniqueName('storm'));
  const canary = uniqueName('storm-canary');
  await mapWithConcurrency([...names, canary], 8, (name) => createTarget(name));
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const reference = new Map<number, number>();
    for (const concurrency of [1, 2, 4, 8, 16, size]) {
      const times = await restartAll(names, concurrency);
      reference.set(concurrency, summarize(times).p95);
      raw[`docker-restart-${concurrency}`] = times;
      console.log(`docker restart of ${size}, ${concurrency} at a time: p95 ${ms(summarize(times).p95)}, all ${ms(Math.max(...times))}`);
    }
    const [bestConcurrency, best] = [...reference.entries()].sort((a, b) => a[1] - b[1])[0]!;
    const variants = (process.env['STORM_CONCURRENCY'] ?? `default,1,8,${size}`).split(',');
    for (const variant of variants) {
      const env: Record<string, string> = {
        MONITORED: names.join(','),
        PATH_CANARY: canary,
        CHECK_INTERVAL_MS: '5000',
        RESTART_LIMIT: '1000',
        STOP_TIMEOUT_S: String(STOP_GRACE_S),
        AGENT_HOSTNAME: `storm-${variant}`,
      };
      if (variant !== 'default') env['RESTART_CONCURRENCY'] = variant;
      const agent = startAgent(env, mkdtempSync(join(tmpdir(), 'storm-')));
      try {
        await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 60_000);
        await waitFor(
          'a first verdict for every container',
          () => names.every((n) => agent.log().some((e) => e.kind === 'check' && e.container === n && e.verdict === 'ok')),
          60_000,
          200,
        );
        const before = new Map(await Promise.all(names.map(async (n) => [n, (await state(n)).startedAt] as const)));
        const pids = await Promise.all(names.map(async (n) => (await state(n)).pid));
        const lossAt = Date.now();
        await Promise.all(
          pids.map((pid) => execFileSync('nsenter', ['-t', String(pid), '-n', 'iptables', '-A', 'OUTPUT', '-p', 'icmp', '-j', 'DROP'])),
        );
        await waitFor(
          'every container running again',
          async () =>
            (
              await Promise.all(
                names.map(async (n) => {
                  const s = await state(n);
                  return s.running && s.startedAt !== before.get(n);
                }),
              )
            ).every(Boolean),
          180_000,
          200,
        );
        // The log line of a heal comes just after the container runs again: wait for every one.
        const healLines = () => agent.log().filter((e) => e.kind === 'action' && e.outcome === 'ok' && names.includes(e.container ?? ''));
        const heals = await waitFor(
          'a heal line for every container',
          () => (healLines().length >= size ? healLines() : null),
          30_000,
          200,
        ).catch(() => healLines());
        const ordered = heals.map((e) => Date.parse(e.time) - Number(e['durationMs']));
        const firstOrder = Math.min(...ordered);
        const fromOrder = heals.map((e) => Date.parse(e.time) - firstOrder);
        const fromLoss = heals.map((e) => Date.parse(e.time) - lossAt);
        const p95 = summarize(fromOrder).p95;
        const failed = agent.log().filter((e) => e.kind === 'action' && e.outcome === 'failed').length;
        console.log(
          `agent, RESTART_CONCURRENCY ${variant}: running again p95 ${ms(p95)} after the first restart was ordered (${ms(summarize(fromLoss).p95)} after the loss); ${heals.length} heals, ${failed} failed`,
        );
        raw[`agent-${variant}`] = { fromOrder, fromLoss, failed };
        rows.push({
          figure: `${size} containers at total loss at once, agent RESTART_CONCURRENCY ${variant}: running again p95 from the first restart ordered (from the loss); failed restarts`,
          value: `${ms(p95)} (${ms(summarize(fromLoss).p95)}); ${failed} failed`,
          reference: `docker restart of the same ${size}, best concurrency (${bestConcurrency} at a time), p95`,
          referenceValue: ms(best),
          ratio: ratio(p95, best),
          target: variant === 'default' ? '<= 1.5x, every one running' : '-',
          met: variant === 'default' ? p95 <= 1.5 * best && heals.length >= size && failed === 0 : null,
        });
      } finally {
        await agent.stop();
      }
    }
    rows.unshift({
      figure: `docker restart of ${size} containers, p95 by concurrency`,
      value: [...reference.entries()].map(([c, p]) => `${c}: ${ms(p)}`).join(', '),
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '-',
      met: null,
    });
  } finally {
    await removeRunContainers(docker);
  }
  return { name: 'storm', rows, raw };
}
