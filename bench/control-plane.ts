/**
 * The control plane at fleet size: the real control service and broker, with 10, 50 and 100
 * simulated hosts of 100 containers each (bench/host-simulator.ts: the project's real agent bus
 * and command handling over containers held in memory). For each size: GET /containers latency
 * and completeness, PUT /threshold until every host confirmed, control's RSS; then the same with
 * 5 % of the hosts live but silent (heartbeats, no answers). A second control replica serves the
 * same fleet at the same time. References from the same run: GET /hosts (the HTTP floor) and the
 * smallest fleet (growth should be linear at most). Beside each size: control's and the simulated
 * hosts' CPU per call, and the same calls with every simulated host answering from a recorded reply
 * (control and the broker alone: real hosts build their lists in parallel, the simulator in turn).
 */
import { encode } from '../bus/messages.js';
import { HEARTBEATS_EXCHANGE } from '../bus/topology.js';
import { announceSilentHost, deleteAgentQueues, withChannel } from '../lab/broker.js';
import { startControl, type ControlProcess } from '../lab/control-process.js';
import { http } from '../lab/http.js';
import { runId } from '../lab/docker.js';
import { waitFor } from '../lab/wait.js';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpuMs, rssMb, sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

/** Each call's duration: the one it reports (an HTTP call's, to the last byte of the answer, before the client checks it), else its own. */
async function timed(times: number, call: () => Promise<number | void>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const started = performance.now();
    const reported = await call();
    out.push(reported ?? performance.now() - started);
  }
  return out;
}

async function liveHosts(control: ControlProcess, prefix: string): Promise<number> {
  const { body } = await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`);
  return body.filter((h) => h.live && h.hostname.startsWith(prefix)).length;
}

/** Heartbeats that say goodbye: control stops waiting for these hosts at once. */
async function leave(hostnames: readonly string[]): Promise<void> {
  await withChannel(async (channel) => {
    for (const hostname of hostnames)
      channel.publish(
        HEARTBEATS_EXCHANGE,
        '',
        encode({ kind: 'heartbeat', hostname, sentAt: new Date().toISOString(), threshold: 60, monitored: 0, leaving: true }),
      );
  });
}

/** The broker's process (the node listening on 5672), to count its CPU per call too; null when it cannot be found. */
function brokerPid(): number | null {
  try {
    const match = /pid=(\d+)/.exec(execFileSync('ss', ['-ltnpH', 'sport = :5672'], { encoding: 'utf8' }));
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

export async function controlPlaneBench(sizes = [10, 50, 100], containersPerHost = 100): Promise<BenchResult> {
  const prefix = `sim-${runId}`;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  // Holding few events: a control keeps up to EVENTS_MEMORY_MB of the lab's stream in memory
  // (64 MB of encoded events by default, about 210 MB of heap; bench/events.ts alone writes 100,000), which would measure the
  // stream's history, not the gathers. The events' own memory is bench/events.ts' figure.
  const settings = { GATHER_TIMEOUT_MS: '4000', EVENTS_MEMORY_MB: '1' };
  // Compiled, as the image runs control: through tsx its loader adds about 25 MB to the RSS measured here.
  const control = await startControl(settings, { compiled: true });
  const replica = await startControl(settings, { compiled: true });
  const simulators: ChildProcess[] = [];
  let simulated = 0;
  /** Switches every simulator's recorded list replies on or off, and waits until each has said so (10 s at most). */
  const recordedReplies = (on: boolean): Promise<unknown> =>
    Promise.all(
      simulators.map(
        (child) =>
          new Promise<void>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`simulator ${child.pid} did not switch recorded replies ${on ? 'on' : 'off'} within 10 s`)),
              10_000,
            );
            const said = (chunk: Buffer): void => {
              if (!chunk.toString().includes(`recorded list replies ${on ? 'on' : 'off'}`)) return;
              clearTimeout(timer);
              child.stdout?.off('data', said);
              resolve();
            };
            child.stdout?.on('data', said);
            child.kill('SIGUSR2');
          }),
      ),
    );
  const simulatorsCpuMs = (): number => simulators.reduce((sum, child) => sum + cpuMs(child.pid ?? 0), 0);
  const hostnames = (): string[] => Array.from({ length: simulated }, (_, i) => `${prefix}-${i}`);
  let smallest: { list: number; put: number } | null = null;
  try {
    for (const size of sizes) {
      // In processes of their own, as real agents are: not sharing a thread with the HTTP client.
      simulators.push(
        spawn(
          process.execPath,
          ['--import', 'tsx', 'bench/host-simulator.ts', prefix, String(simulated), String(size - simulated), String(containersPerHost)],
          { stdio: ['ignore', 'pipe', 'ignore'] },
        ),
      );
      simulated = size;
      await waitFor(
        `${size} simulated hosts live`,
        async () => (await liveHosts(control, prefix)) === size && (await liveHosts(replica, prefix)) === size,
        30_000,
        200,
      );
      const expected = size * containersPerHost;
      let incomplete = 0;
      let lastAnswer: unknown = null;
      const list = async (url: string): Promise<number> => {
        const result = await http<{ hostname: string }[]>('GET', `${url}/containers`);
        if (result.status !== 200 || result.body.filter((c) => c.hostname.startsWith(prefix)).length !== expected) incomplete++;
        lastAnswer = result.body;
        return result.ms;
      };
      await timed(5, () => list(control.url)); // warm up
      const idleRssMb = rssMb(control.child.pid ?? 0);
      const memory = sampleUsage(control.child.pid ?? 0, 100); // control's RSS through every call below, every 100 ms
      const floor = summarize(await timed(30, async () => (await http('GET', `${control.url}/hosts`)).ms));
      // What each call costs control itself (its CPU), and the simulated hosts (whose work real hosts do in parallel, one each).
      const broker = brokerPid();
      const brokerCpuMs = (): number => (broker === null ? Number.NaN : cpuMs(broker));
      const cpuBefore = { control: cpuMs(control.child.pid ?? 0), hosts: simulatorsCpuMs(), broker: brokerCpuMs() };
      const get = summarize(await timed(30, () => list(control.url)));
      const cpuPerGet = {
        control: (cpuMs(control.child.pid ?? 0) - cpuBefore.control) / 30,
        hosts: (simulatorsCpuMs() - cpuBefore.hosts) / 30,
        broker: (brokerCpuMs() - cpuBefore.broker) / 30,
      };
      // How fast this machine is right now at the least any design must do with the answer: parse
      // it once and serialize it once (control parses the replies and serializes the answer, the
      // client parses it again), timed in this process.
      const answerText = JSON.stringify(lastAnswer);
      const jsonFloor = summarize(await timed(10, async () => void JSON.stringify(JSON.parse(answerText))));
      let unconfirmed = 0;
      let value = 60;
      const put = summarize(
        await timed(10, async () => {
          value = value === 60 ? 61 : 60;
          const result = await http<{ confirmed: string[] }>('PUT', `${control.url}/threshold`, {
            body: String(value),
            headers: { 'Content-Type': 'application/json' },
          });
          if (result.status !== 200 || result.body.confirmed.filter((h) => h.startsWith(prefix)).length !== size) unconfirmed++;
          return result.ms;
        }),
      );
      // Two replicas at once: both answer every call completely.
      const both = summarize(await timed(10, async () => Math.max(...(await Promise.all([list(control.url), list(replica.url)])))));
      // The same calls with every host answering from a recorded reply: what control and the broker
      // take when the hosts' lists are built in parallel, as on real hosts, not one after another here.
      await recordedReplies(true);
      const cpuBeforeRecorded = cpuMs(control.child.pid ?? 0);
      const recorded = summarize(await timed(30, () => list(control.url)));
      const cpuPerRecorded = (cpuMs(control.child.pid ?? 0) - cpuBeforeRecorded) / 30;
      await recordedReplies(false);
      const { rssMeanMb, rssMaxMb } = memory.stop();
      smallest ??= { list: get.median, put: put.median };
      console.log(
        `${String(size).padStart(3)} hosts x ${containersPerHost}: GET /containers median ${ms(get.median)} p95 ${ms(get.p95)} (GET /hosts ${ms(floor.median)}; JSON parse + serialize of the answer ${ms(jsonFloor.median)}); PUT /threshold all confirmed median ${ms(put.median)} p95 ${ms(put.p95)}; two replicas at once ${ms(both.median)}; CPU per GET /containers: control ${ms(cpuPerGet.control)}, the simulated hosts ${ms(cpuPerGet.hosts)}, the broker ${broker === null ? '(not found)' : ms(cpuPerGet.broker)}; hosts answering from recorded replies: GET /containers median ${ms(recorded.median)} p95 ${ms(recorded.p95)}, control CPU per call ${ms(cpuPerRecorded)}; control RSS mean ${rssMeanMb.toFixed(0)} MB, max ${rssMaxMb.toFixed(0)} MB (before the calls ${idleRssMb.toFixed(0)} MB); incomplete answers ${incomplete}, unconfirmed PUTs ${unconfirmed}`,
      );
      const big = size >= 100;
      rows.push({
        figure: `GET /containers, ${size} hosts x ${containersPerHost} (median / p95)`,
        value: `${ms(get.median)} / ${ms(get.p95)}`,
        reference: `GET /hosts; ${sizes[0]} hosts; JSON parse + serialize of the answer (${(answerText.length / 1e6).toFixed(1)} MB)`,
        referenceValue: `${ms(floor.median)}; ${ms(smallest.list)}; ${ms(jsonFloor.median)}`,
        ratio: `${(get.median / jsonFloor.median).toFixed(1)}x the JSON floor`,
        target: big ? '< 100 ms median' : '-',
        met: big ? get.median < 100 : null,
      });
      rows.push({
        figure: `GET /containers, ${size} hosts x ${containersPerHost} answering from recorded replies: control and the broker alone (median / p95)`,
        value: `${ms(recorded.median)} / ${ms(recorded.p95)}`,
        reference: 'the same call, hosts building their lists (one process for all of them)',
        referenceValue: ms(get.median),
        ratio: (recorded.median / get.median).toFixed(2),
        target: big ? '< 100 ms median' : '-',
        met: big ? recorded.median < 100 : null,
      });
      rows.push({
        figure: `control's CPU per GET /containers, ${size} hosts x ${containersPerHost}`,
        value: ms(cpuPerGet.control),
        reference: "JSON parse + serialize of the answer; the simulated hosts' CPU per call (real hosts do it in parallel); the broker's",
        referenceValue: `${ms(jsonFloor.median)}; ${ms(cpuPerGet.hosts)}; ${broker === null ? '-' : ms(cpuPerGet.broker)}`,
        ratio: `${(cpuPerGet.control / jsonFloor.median).toFixed(1)}x the JSON floor`,
        target: '-',
        met: null,
      });
      rows.push({
        figure: `PUT /threshold confirmed by all ${size} hosts (median / p95)`,
        value: `${ms(put.median)} / ${ms(put.p95)}`,
        reference: `${sizes[0]} hosts`,
        referenceValue: ms(smallest.put),
        ratio: (put.median / smallest.put).toFixed(1),
        target: big ? '< 200 ms' : '-',
        met: big ? put.median < 200 : null,
      });
      rows.push({
        figure: `control RSS through the calls, ${size} hosts x ${containersPerHost} (max / mean)`,
        value: `${rssMaxMb.toFixed(0)} / ${rssMeanMb.toFixed(0)} MB`,
        reference: 'control before the calls',
        referenceValue: `${idleRssMb.toFixed(0)} MB`,
        ratio: (rssMaxMb / idleRssMb).toFixed(2),
        target: big ? '< 200 MB at most' : '-',
        met: big ? rssMaxMb < 200 : null,
      });
      rows.push({
        figure: `answers with every container / PUTs confirmed by all, ${size} hosts, two replicas`,
        value: `${incomplete === 0 ? 'all' : `${incomplete} incomplete`} / ${unconfirmed === 0 ? 'all' : `${unconfirmed} not`}`,
        reference: '-',
        referenceValue: '-',
        ratio: '-',
        target: 'all',
        met: incomplete === 0 && unconfirmed === 0,
      });
      raw[`${size}`] = {
        get,
        put,
        floor,
        jsonFloor,
        both,
        cpuPerGet,
        recorded,
        cpuPerRecorded,
        rssMeanMb,
        rssMaxMb,
        idleRssMb,
        incomplete,
        unconfirmed,
      };

      // 5 % of the hosts live but silent: every gather waits for its deadline.
      const silent = Array.from({ length: Math.max(1, Math.round(size * 0.05)) }, (_, i) => `${prefix}-silent-${size}-${i}`);
      const keepAlive = setInterval(() => void Promise.all(silent.map((h) => announceSilentHost(h))).catch(() => undefined), 2000);
      await Promise.all(silent.map((h) => announceSilentHost(h)));
      await waitFor(
        'the silent hosts live',
        async () => (await liveHosts(control, `${prefix}-silent-${size}`)) === silent.length,
        10_000,
        100,
      );
      const slow = summarize(
        await timed(3, async () => {
          const result = await http<{ hostname: string }[]>('GET', `${control.url}/containers`);
          if (result.body.filter((c) => c.hostname.startsWith(prefix)).length !== expected) incomplete++;
          return result.ms;
        }),
      );
      clearInterval(keepAlive);
      await leave(silent);
      await deleteAgentQueues(silent);
      console.log(
        `${String(size).padStart(3)} hosts, ${silent.length} silent: GET /containers median ${ms(slow.median)} (the gather deadline is 4000 ms); answering hosts' containers all there: ${incomplete === 0}`,
      );
      rows.push({
        figure: `GET /containers, ${size} hosts with ${silent.length} silent (median)`,
        value: ms(slow.median),
        reference: 'the gather deadline',
        referenceValue: '4000 ms',
        ratio: (slow.median / 4000).toFixed(2),
        target: '-',
        met: null,
      });
      raw[`${size}-silent`] = { slow, silent: silent.length };
    }
  } finally {
    await Promise.all(
      simulators.map(
        (child) =>
          new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM')))),
      ),
    );
    await deleteAgentQueues(hostnames());
    await Promise.all([control.stop(), replica.stop()]);
  }
  return { name: 'control-plane', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = (process.argv[2] ?? '10,50,100').split(',').map(Number);
  controlPlaneBench(sizes).then(
    (r) =>
      console.log(
        r.rows
          .map((row) => `${row.figure}: ${row.value} (target ${row.target}: ${row.met === null ? '-' : row.met ? 'met' : 'NOT met'})`)
          .join('\n'),
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
