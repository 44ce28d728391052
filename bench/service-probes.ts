/**
 * HTTP service probes at host density (issue 28): 500 real containers, each probed over HTTP
 * once a second (`watchdog.probe=http://:8080/health`, period 1 s) beside its ICMP probing, against
 * the same 500 probed over ICMP only, measured in the same run: the agent's CPU (with its fping
 * children) and RSS, and the ratio. Then some services start answering 500 and the time from the
 * first 500 to the container running again is measured (failures 2, period 1 s).
 *
 * The containers are the lab's small target (a shell and sleep: no HTTP server of its own); the
 * agent's HTTP probes to their addresses on port 8080 are redirected by an iptables nat rule in
 * this machine's OUTPUT chain to one HTTP server in this process, which answers 200, or 500 for the
 * addresses the bench fails. Only the server is shared: every probe is a real HTTP request from the
 * agent to a container's address, through the kernel.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { startAgent } from '../lab/agent-process.js';
import { engine, removeRunContainers, RUN_LABEL, runId, state, TARGET_IMAGE } from '../lab/docker.js';
import { waitFor } from '../lab/wait.js';
import { sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

const WINDOW_MS = 20_000;
const FAILED = 20;

export async function serviceProbesBench(size = 500): Promise<BenchResult> {
  const docker = engine();
  const failing = new Set<string>();
  let requests = 0;
  // The one server every container's port 8080 leads to: which container was asked is the original destination.
  const server = createServer((req, res) => {
    requests++;
    const asked = String(req.headers['host'] ?? '').split(':')[0] ?? '';
    res.writeHead(failing.has(asked) ? 500 : 200).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const rule = ['-p', 'tcp', '-d', '172.16.0.0/12', '--dport', '8080', '-j', 'DNAT', '--to-destination', `127.0.0.1:${port}`];
  // Locally sent packets to a container's address, turned to loopback: the kernel allows it with route_localnet (restored after).
  const localnet = execFileSync('sysctl', ['-n', 'net.ipv4.conf.all.route_localnet'], { encoding: 'utf8' }).trim();
  execFileSync('sysctl', ['-qw', 'net.ipv4.conf.all.route_localnet=1']);
  execFileSync('iptables', ['-t', 'nat', '-A', 'OUTPUT', ...rule]);
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const make = (group: string, labels: Record<string, string>) =>
      mapWithConcurrency(
        Array.from({ length: size }, (_, i) => `${group}-${runId}-${i}`),
        8,
        async (name) => {
          const c = await docker.createContainer({
            name,
            Image: TARGET_IMAGE,
            Labels: { [RUN_LABEL]: runId, ...labels },
            HostConfig: { NetworkMode: 'bridge' },
          });
          await c.start();
          return name;
        },
      );
    console.log(`creating ${size} containers probed over ICMP only and ${size} with an HTTP probe`);
    const icmp = await make('icmp', {});
    const http = await make('http', {
      'watchdog.probe': 'http://:8080/health',
      'watchdog.probe.period': '1',
      'watchdog.probe.failures': '2',
    });

    const measure = async (names: string[], what: string) => {
      const agent = startAgent(
        { MONITORED: names.join(','), CHECK_INTERVAL_MS: '1000', STOP_TIMEOUT_S: '1' },
        mkdtempSync(join(tmpdir(), 'probes-')),
      );
      await agent.waitForLog('the first cycle', (e) => e.kind === 'cycle', 120_000);
      await new Promise((resolve) => setTimeout(resolve, 10_000)); // past the start: every container's first verdict
      const before = requests;
      const sampler = sampleUsage(agent.child.pid ?? 0, 1000);
      await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
      const usage = sampler.stop();
      const perSecond = ((requests - before) / WINDOW_MS) * 1000;
      console.log(
        `${what}: CPU ${usage.cpuPercent.toFixed(1)} %, RSS ${usage.rssMaxMb.toFixed(0)} MB, ${perSecond.toFixed(0)} HTTP probes/s`,
      );
      return { agent, usage, perSecond };
    };
    const plain = await measure(icmp, `${size} containers, ICMP only`);
    await plain.agent.stop();
    const probed = await measure(http, `${size} containers, ICMP and HTTP every 1 s`);
    const falseRestarts = probed.agent.log().filter((e) => e.kind === 'action').length;

    // Services that start answering 500: from the first 500 to the container running again.
    const victims = http.filter((_, i) => i % Math.floor(size / FAILED) === 0).slice(0, FAILED);
    const ipOf = async (name: string): Promise<string> =>
      (await docker.getContainer(name).inspect()).NetworkSettings.Networks['bridge']?.IPAddress ?? '';
    const targets = await Promise.all(
      victims.map(async (name) => ({ name, ip: await ipOf(name), startedAt: (await state(name)).startedAt })),
    );
    const failedAt = Date.now();
    for (const t of targets) failing.add(t.ip);
    const healedMs: number[] = [];
    await waitFor(
      'every failed service restarted',
      async () => {
        for (const t of targets.filter((x) => !healedMs[targets.indexOf(x)])) {
          const now = await state(t.name);
          if (now.running && now.startedAt !== t.startedAt) {
            healedMs[targets.indexOf(t)] = Date.parse(now.startedAt) - failedAt;
            failing.delete(t.ip); // the new instance serves
          }
        }
        return targets.every((_, i) => healedMs[i] !== undefined);
      },
      120_000,
      200,
    );
    await probed.agent.stop();
    const h = summarize(healedMs);
    const cpuRatio = probed.usage.cpuPercent / plain.usage.cpuPercent;
    const rssRatio = probed.usage.rssMaxMb / plain.usage.rssMaxMb;
    console.log(
      `HTTP probes: CPU ${cpuRatio.toFixed(2)}x, RSS ${rssRatio.toFixed(2)}x of ICMP only; HTTP 500 to running again median ${ms(h.median)} p95 ${ms(h.p95)} (${FAILED} services); false restarts before ${falseRestarts}`,
    );
    rows.push({
      figure: `agent CPU / RSS, ${size} containers, ICMP and an HTTP probe each every 1 s (${probed.perSecond.toFixed(0)} HTTP probes/s)`,
      value: `${probed.usage.cpuPercent.toFixed(1)} % / ${probed.usage.rssMaxMb.toFixed(0)} MB`,
      reference: `the same ${size}, ICMP only, same run`,
      referenceValue: `${plain.usage.cpuPercent.toFixed(1)} % / ${plain.usage.rssMaxMb.toFixed(0)} MB`,
      ratio: `${cpuRatio.toFixed(2)}x / ${rssRatio.toFixed(2)}x`,
      target: '-',
      met: null,
    });
    rows.push({
      figure: `HTTP 500 to running again, ${FAILED} of ${size} services (failures 2, period 1 s; median / p95)`,
      value: `${ms(h.median)} / ${ms(h.p95)}`,
      reference: 'period x failures',
      referenceValue: ms(2000),
      ratio: (h.p95 / 2000).toFixed(2),
      target: '-',
      met: null,
    });
    rows.push({
      figure: `restarts before any service failed, ${size} HTTP-probed containers`,
      value: String(falseRestarts),
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '0',
      met: falseRestarts === 0,
    });
    Object.assign(raw, { plain: plain.usage, probed: probed.usage, httpPerSecond: probed.perSecond, healedMs, falseRestarts });
  } finally {
    execFileSync('iptables', ['-t', 'nat', '-D', 'OUTPUT', ...rule]);
    execFileSync('sysctl', ['-qw', `net.ipv4.conf.all.route_localnet=${localnet}`]);
    server.close();
    await removeRunContainers(docker);
  }
  return { name: 'service probes', rows, raw };
}
