/**
 * Time from a monitored container's death to running again, on the real engine, next to
 * references measured in the same run on an identical container:
 *  - a bare `start()` issued the moment the die event arrives (the floor for any watchdog);
 *  - Docker's own restart policy (`always`) bringing back a crashed container. Docker delays a
 *    policy restart more each time a container dies within 10 s of starting, so every kill uses a
 *    fresh policy container: the figure is Docker's best case.
 * A crash is simulated by SIGKILL to the container's main process from the host (a `docker kill`
 * counts as a manual stop for the restart policy). All figures are on the engine's own clock:
 * die event to start event.
 */
import Docker from 'dockerode';
import { startAgent } from '../lab/agent-process.js';
import { createTarget, engine, removeRunContainers, uniqueName } from '../lab/docker.js';
import { waitFor } from '../lab/wait.js';
import { ms, ratio, summarize, type BenchResult } from './stats.js';

interface DockerEvent {
  Action: string;
  Actor: { Attributes: { name: string } };
  timeNano: number;
}

/** Collects die→start gaps per container name from the engine's event stream. */
export async function watchGaps(docker: Docker, onDie: (name: string) => void = () => undefined) {
  const gaps = new Map<string, number[]>();
  const diedAt = new Map<string, number>();
  const stream = (await docker.getEvents({ filters: { type: ['container'], event: ['die', 'start'] } })) as NodeJS.ReadableStream & {
    destroy(): void;
  };
  let buffer = '';
  stream.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines.filter(Boolean)) {
      const event = JSON.parse(line) as DockerEvent;
      const name = event.Actor.Attributes.name;
      if (event.Action === 'die') {
        diedAt.set(name, event.timeNano);
        onDie(name);
      } else if (event.Action === 'start' && diedAt.has(name)) {
        const list = gaps.get(name) ?? [];
        list.push((event.timeNano - (diedAt.get(name) ?? 0)) / 1e6);
        gaps.set(name, list);
        diedAt.delete(name);
      }
    }
  });
  return { gaps: (name: string) => gaps.get(name) ?? [], close: () => stream.destroy() };
}

export async function killAndWaitForRestart(docker: Docker, name: string, gaps: () => number[]): Promise<void> {
  const before = gaps().length;
  process.kill((await docker.getContainer(name).inspect()).State.Pid, 'SIGKILL');
  await waitFor(`${name} to start again`, () => gaps().length > before, 15_000, 5);
  await waitFor(`${name} to be running`, async () => (await docker.getContainer(name).inspect()).State.Running, 5_000, 5);
}

export async function healLatency(kills = 20): Promise<BenchResult> {
  const docker = engine();
  const watched = uniqueName('bench-watched');
  const bare = uniqueName('bench-bare');
  await createTarget(watched);
  await createTarget(bare);
  const policyGaps: number[] = [];

  const agent = startAgent({ MONITORED: watched, CHECK_INTERVAL_MS: '600000', RESTART_LIMIT: '1000' });
  const startTimes: number[] = [];
  const events = await watchGaps(docker, (name) => {
    if (name !== bare) return;
    const t0 = process.hrtime.bigint();
    void docker
      .getContainer(bare)
      .start()
      .then(() => startTimes.push(Number(process.hrtime.bigint() - t0) / 1e6));
  });
  try {
    await agent.waitForLog('the agent to be up', (e) => e.kind === 'cycle');
    for (let i = 0; i < kills; i++) {
      // Interleave, so drift on the machine touches all three alike.
      await killAndWaitForRestart(docker, watched, () => events.gaps(watched));
      await killAndWaitForRestart(docker, bare, () => events.gaps(bare));
      const policy = uniqueName('bench-policy');
      await createTarget(policy, { restartPolicy: 'always' });
      await killAndWaitForRestart(docker, policy, () => events.gaps(policy));
      policyGaps.push(...events.gaps(policy));
      await docker.getContainer(policy).remove({ force: true });
    }
  } finally {
    events.close();
    await agent.stop();
    await removeRunContainers(docker);
  }
  const w = summarize(events.gaps(watched));
  const b = summarize(events.gaps(bare));
  const p = summarize(policyGaps);
  const s = summarize(startTimes);
  const print = (label: string, x: { median: number; p95: number; n: number }) =>
    console.log(`  ${label.padEnd(44)} median ${ms(x.median).padStart(9)}  p95 ${ms(x.p95).padStart(9)}  (n=${x.n})`);
  console.log('death to running again (die event to start event, engine clock):');
  print('watchdog agent (event-driven)', w);
  print('bare start() at the die event (floor)', b);
  print("Docker's restart policy 'always'", p);
  print('bare start() API call, client side', s);
  console.log(`  ratio watchdog / bare start: median ${ratio(w.median, b.median)}, p95 ${ratio(w.p95, b.p95)} (target <= 1.5x)`);
  return {
    name: 'heal-latency',
    rows: [
      {
        figure: `death to running, median (${w.n} kills)`,
        value: ms(w.median),
        reference: 'bare start() at the die event',
        referenceValue: ms(b.median),
        ratio: ratio(w.median, b.median),
        target: '<= 1.5x',
        met: w.median <= 1.5 * b.median,
      },
      {
        figure: 'death to running, p95',
        value: ms(w.p95),
        reference: 'bare start() at the die event',
        referenceValue: ms(b.p95),
        ratio: ratio(w.p95, b.p95),
        target: '<= 1.5x',
        met: w.p95 <= 1.5 * b.p95,
      },
      {
        figure: 'death to running, median',
        value: ms(w.median),
        reference: "Docker's restart policy",
        referenceValue: ms(p.median),
        ratio: ratio(w.median, p.median),
        target: '-',
        met: null,
      },
    ],
    raw: { watchdogMs: events.gaps(watched), bareMs: events.gaps(bare), policyMs: policyGaps, bareStartCallMs: startTimes },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const kills = Number(process.argv[2] ?? 20);
  healLatency(kills).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
