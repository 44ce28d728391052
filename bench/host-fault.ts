/**
 * A host-wide fault: HOST_FAULT_SIZE (50) monitored containers, and the host's bridge made lossy
 * for HOST_FAULT_MS (2 min) at each level of HOST_FAULT_LEVELS (100 and 60 %: iptables on the
 * host drops that share of the echo requests leaving through docker0), with a recovery between.
 * The agent has no path canary (the containers themselves are the control measurement) and the
 * default settings; control and a local webhook receiver hear its events. Meanwhile one container
 * is killed in each fault. Targets: 0 loss restarts, one host-network event (to: broken) and its
 * webhook within 10 s of each fault, one recovery event (to: ok) each, the killed container started.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mapWithConcurrency } from '../agent/concurrency.js';
import { startAgent } from '../lab/agent-process.js';
import { agentBrokerUrl } from '../lab/broker-users.js';
import { deleteAgentQueues } from '../lab/broker.js';
import { startControl } from '../lab/control-process.js';
import { createTarget, engine, removeRunContainers, runId, state, uniqueName } from '../lab/docker.js';
import { http } from '../lab/http.js';
import { waitFor } from '../lab/wait.js';
import { ms, type BenchResult, type Row } from './stats.js';

interface HostEvent {
  type: string;
  to?: string;
  at: string;
}

export async function hostFaultBench(
  size = Number(process.env['HOST_FAULT_SIZE'] ?? 50),
  faultMs = Number(process.env['HOST_FAULT_MS'] ?? 120_000),
): Promise<BenchResult> {
  const levels = (process.env['HOST_FAULT_LEVELS'] ?? '100,60').split(',').map(Number);
  const docker = engine();
  const host = `hostfault-${runId}`;
  const hooks: { kind?: string; host?: string; at: number }[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hooks.push({ ...(JSON.parse(body) as { kind?: string; host?: string }), at: Date.now() });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const control = await startControl({
    WEBHOOKS: JSON.stringify([
      { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, format: 'json', on: ['host-network'] },
    ]),
  });
  const names = Array.from({ length: size }, () => uniqueName('hostfault'));
  await mapWithConcurrency(names, 8, (name) => createTarget(name));
  const agent = startAgent(
    { AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, MONITORED: names.join(','), CHECK_INTERVAL_MS: '5000' },
    mkdtempSync(join(tmpdir(), 'hostfault-')),
  );
  const rows: Row[] = [];
  const events = async (): Promise<HostEvent[]> =>
    (await http<{ events: HostEvent[] }>('GET', `${control.url}/events?host=${host}&type=host-network`)).body.events ?? [];
  try {
    await waitFor(
      'a first verdict for every container',
      () => names.every((n) => agent.log().some((e) => e.kind === 'check' && e.container === n && e.verdict === 'ok')),
      120_000,
      500,
    );
    for (const [i, level] of levels.entries()) {
      const rule = [
        'OUTPUT',
        '-o',
        'docker0',
        '-p',
        'icmp',
        '--icmp-type',
        'echo-request',
        ...(level >= 100 ? [] : ['-m', 'statistic', '--mode', 'random', '--probability', String(level / 100)]),
        '-j',
        'DROP',
      ];
      const before = (await events()).length;
      const hooksBefore = hooks.length;
      const restartsBefore = agent.log().filter((e) => e.kind === 'action' && e.action === 'restart' && e.outcome === 'ok').length;
      const victim = names[i]!;
      const victimBefore = (await state(victim)).startedAt;
      execFileSync('iptables', ['-I', ...rule]);
      const brokeAt = Date.now();
      let toldMs = NaN;
      let hookMs = NaN;
      let started = false;
      try {
        const told = await waitFor(
          'the host-network event',
          async () => (await events()).slice(0, (await events()).length - before).find((e) => e.to === 'broken'),
          30_000,
          200,
        ).catch(() => null);
        toldMs = told ? Date.parse(told.at) - brokeAt : NaN;
        await docker.getContainer(victim).kill();
        started = await waitFor(
          'the killed container started',
          async () => {
            const s = await state(victim);
            return s.running && s.startedAt !== victimBefore;
          },
          20_000,
          200,
        ).then(
          () => true,
          () => false,
        );
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, faultMs - (Date.now() - brokeAt))));
        const hook = hooks.slice(hooksBefore).find((h) => h.kind === 'host-network');
        hookMs = hook ? hook.at - brokeAt : NaN;
      } finally {
        execFileSync('iptables', ['-D', ...rule]);
      }
      const recovered = await waitFor(
        'the recovery event',
        async () => (await events()).slice(0, (await events()).length - before).find((e) => e.to === 'ok'),
        60_000,
        500,
      ).then(
        () => true,
        () => false,
      );
      const mine = (await events()).slice(0, (await events()).length - before);
      const lossRestarts =
        agent.log().filter((e) => e.kind === 'action' && e.action === 'restart' && e.outcome === 'ok').length - restartsBefore;
      const broken = mine.filter((e) => e.to === 'broken').length;
      const ok = mine.filter((e) => e.to === 'ok').length;
      console.log(
        `bridge ${level} % lossy for ${faultMs / 1000} s: ${lossRestarts} loss restarts, ${broken} broken / ${ok} ok events, told after ${ms(toldMs)}, webhook after ${ms(hookMs)}, killed container started: ${started}, recovered: ${recovered}`,
      );
      rows.push({
        figure: `${size} containers, the bridge ${level} % lossy for ${faultMs / 60_000} min: loss restarts; host-network events broken / ok; event, webhook after; a killed container started`,
        value: `${lossRestarts}; ${broken} / ${ok}; ${ms(toldMs)}, ${ms(hookMs)}; ${started ? 'yes' : 'no'}`,
        reference: '-',
        referenceValue: '-',
        ratio: '-',
        target: '0; 1 / 1; < 10 s; yes',
        met: lossRestarts === 0 && broken === 1 && ok === 1 && toldMs < 10_000 && hookMs < 10_000 && started,
      });
    }
  } finally {
    await agent.stop();
    await control.stop();
    receiver.close();
    await deleteAgentQueues([host]);
    await removeRunContainers(docker);
  }
  return { name: 'host-fault', rows, raw: {} };
}
