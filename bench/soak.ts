/**
 * A long soak under chaos (not in CI): several Docker hosts, 20+ dummies, an antagonist per host
 * stopping containers and injecting random 20-100 % loss, an agent per host. Prints faults injected
 * and healed, time to heal (median, p95, max) for stops and for loss, restarts of healthy containers
 * (target 0), and the agents' CPU and memory.
 *   SOAK_MS=600000 SOAK_HOSTS=3 SOAK_DUMMIES=7 npx tsx bench/soak.ts   (needs LAB_HOSTS=3 LAB_IMAGES=1 scripts/lab-up.sh)
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readLog, startAgent, type LogEntry } from '../lab/agent-process.js';
import { engine, hostSocket, removeRunContainers, RUN_LABEL, runId } from '../lab/docker.js';
import { runEntry } from '../lab/process.js';
import { sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult } from './stats.js';

interface Fault extends LogEntry {
  target: string;
  injectedAt: string;
  parameter: { lossPercent?: number };
}

export async function soak(options: { durationMs: number; hosts: number; dummiesPerHost: number }): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'soak-'));
  const label = `soak-${runId}`;
  const hosts = Array.from({ length: options.hosts }, (_, i) => ({
    n: i + 1,
    hostname: `soak${i + 1}-${runId}`,
    docker: engine(hostSocket(i + 1)),
    socket: hostSocket(i + 1),
  }));
  const setups = await Promise.all(
    hosts.map(async (h) => {
      const targets = Array.from({ length: options.dummiesPerHost }, (_, i) => `${h.hostname}-d${i + 1}`);
      const bystander = `${h.hostname}-calm`;
      for (const [name, target] of [...targets.map((t) => [t, true] as const), [bystander, false] as const]) {
        const container = await h.docker.createContainer({
          name,
          Image: 'container-watchdog/dummy:latest',
          Env: [`DUMMY_NAME=${name}`, 'DUMMY_LOSS_INTERVAL_MS=0'],
          Labels: { [RUN_LABEL]: runId, ...(target ? { 'watchdog.target': label } : {}) },
          HostConfig: { CapAdd: ['NET_ADMIN'] },
        });
        await container.start();
      }
      const logFile = join(dir, `agent-${h.n}.log`);
      const agent = startAgent({
        AGENT_HOSTNAME: h.hostname,
        DOCKER_HOST: `unix://${h.socket}`,
        MONITORED: [...targets, bystander].join(','),
        CHECK_INTERVAL_MS: '2000',
        LOSS_THRESHOLD: '60',
        RESTART_LIMIT: '20',
        LOG_FILE: logFile,
        STATE_FILE: join(dir, `state-${h.n}.json`),
      });
      return { ...h, targets, bystander, agent, logFile, faultLog: join(dir, `faults-${h.n}.log`) };
    }),
  );
  const agents = setups.map((s) => ({ s, agent: s.agent }));
  await Promise.all(agents.map(({ agent }) => agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 30_000)));
  const usage = agents.map(({ agent }) => sampleUsage(agent.child.pid ?? 0, 5000));
  const antagonists = setups.map((s) =>
    runEntry('antagonist/main.ts', {
      ANTAGONIST_HOSTNAME: s.hostname,
      DOCKER_HOST: `unix://${s.socket}`,
      TARGET_LABEL: `watchdog.target=${label}`,
      ANTAGONIST_INTERVAL_MS: '10000',
      LOSS_MIN: '20',
      LOSS_MAX: '100',
      FAULT_LOG: s.faultLog,
    }),
  );
  console.log(
    `soak: ${options.hosts} hosts x ${options.dummiesPerHost} dummies (+1 bystander each), ${options.durationMs / 60000} min; logs in ${dir}`,
  );
  await new Promise((resolve) => setTimeout(resolve, options.durationMs));
  await Promise.all(antagonists.map((a) => a.stop()));
  await new Promise((resolve) => setTimeout(resolve, 15_000)); // the last faults get their chance
  const used = usage.map((u) => u.stop());
  const crashed = agents.filter(({ agent }) => agent.child.exitCode !== null).length;
  await Promise.all(agents.map(({ agent }) => agent.stop()));

  const stopHeal: number[] = [];
  const lossHeal: number[] = [];
  let faults = 0;
  let healed = 0;
  let lossTolerated = 0;
  let healthyRestarts = 0;
  for (const s of setups) {
    const faultList = readLog(s.faultLog).filter((e): e is Fault => e.kind === 'stop' || e.kind === 'loss');
    const heals = readLog(s.logFile).filter((e) => e.kind === 'action' && e.outcome === 'ok');
    faults += faultList.length;
    for (const [i, fault] of faultList.entries()) {
      const next = faultList.slice(i + 1).find((f) => f.target === fault.target);
      const heal = heals.find(
        (h) => h.container === fault.target && h.time >= fault.injectedAt && (!next || h.time <= next.injectedAt || fault.kind === 'stop'),
      );
      if (heal) {
        healed += 1;
        (fault.kind === 'stop' ? stopHeal : lossHeal).push(Date.parse(heal.time) - Date.parse(fault.injectedAt));
      } else if (fault.kind === 'loss') {
        lossTolerated += 1; // measured at or under the threshold, or overtaken by the next fault
      }
    }
    // A restart of a container never attacked, or more restarts of one than faults on it, is a false restart.
    for (const name of [...s.targets, s.bystander]) {
      const restarts = heals.filter((h) => h.container === name).length;
      healthyRestarts += Math.max(0, restarts - faultList.filter((f) => f.target === name).length);
    }
  }
  const stops = summarize(stopHeal);
  const losses = summarize(lossHeal);
  const cpu = Math.max(...used.map((u) => u.cpuPercent));
  const rss = Math.max(...used.map((u) => u.rssMaxMb));
  console.log(`  faults injected ${faults}, healed ${healed}, loss faults not needing a restart ${lossTolerated}`);
  console.log(`  time to heal, stops: median ${ms(stops.median)}  p95 ${ms(stops.p95)}  max ${ms(stops.max)}  (n=${stops.n})`);
  console.log(`  time to heal, loss:  median ${ms(losses.median)}  p95 ${ms(losses.p95)}  max ${ms(losses.max)}  (n=${losses.n})`);
  console.log(`  restarts of healthy containers: ${healthyRestarts} (target 0); agents crashed: ${crashed}`);
  console.log(`  agents: CPU up to ${cpu.toFixed(1)} % of a core, RSS up to ${rss.toFixed(0)} MB`);
  await Promise.all(hosts.map((h) => removeRunContainers(h.docker)));
  return {
    name: 'soak',
    rows: [
      {
        figure: `soak ${options.durationMs / 60000} min, ${options.hosts} hosts x ${options.dummiesPerHost}: faults healed`,
        value: `${healed}/${faults}`,
        reference: 'loss faults at or under the threshold',
        referenceValue: String(lossTolerated),
        ratio: '-',
        target: 'every stop healed',
        met: stops.n === faultCount(setups, 'stop'),
      },
      {
        figure: 'time to heal a stop, median / p95',
        value: `${ms(stops.median)} / ${ms(stops.p95)}`,
        reference: '-',
        referenceValue: '-',
        ratio: '-',
        target: '-',
        met: null,
      },
      {
        figure: 'time to heal loss, median / p95',
        value: `${ms(losses.median)} / ${ms(losses.p95)}`,
        reference: 'one interval + probe',
        referenceValue: '3800 ms',
        ratio: '-',
        target: '-',
        met: null,
      },
      {
        figure: 'restarts of healthy containers',
        value: String(healthyRestarts),
        reference: '-',
        referenceValue: '-',
        ratio: '-',
        target: '0',
        met: healthyRestarts === 0,
      },
      {
        figure: 'agent CPU / RSS under chaos',
        value: `${cpu.toFixed(1)} % / ${rss.toFixed(0)} MB`,
        reference: '-',
        referenceValue: '-',
        ratio: '-',
        target: '-',
        met: null,
      },
    ],
    raw: { faults, healed, lossTolerated, healthyRestarts, stopHealMs: stopHeal, lossHealMs: lossHeal, usage: used },
  };
}

function faultCount(setups: { faultLog: string }[], kind: string): number {
  return setups.reduce((n, s) => n + readLog(s.faultLog).filter((e) => e.kind === kind).length, 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  soak({
    durationMs: Number(process.env['SOAK_MS'] ?? 600_000),
    hosts: Number(process.env['SOAK_HOSTS'] ?? 3),
    dummiesPerHost: Number(process.env['SOAK_DUMMIES'] ?? 7),
  }).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
