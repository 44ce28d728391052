import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CgroupStatsSource, FallbackStats, parseNetDev } from '../../agent/engine/cgroup-stats.js';
import { ContainerResults, cpuPercent, type HealRecord } from '../../agent/container-results.js';
import { fromDockerStats } from '../../agent/engine/docker-stats.js';
import type { ResourceSample, StatsSource } from '../../agent/ports.js';

const heal = (at: number, outcome: HealRecord['outcome'] = 'ok'): HealRecord => ({
  name: 'web',
  action: 'restart',
  trigger: 'check',
  reason: 'loss 100% > threshold 60%',
  outcome,
  at,
  durationMs: 300,
});

describe('cpuPercent', () => {
  it('is the CPU time between two samples over the wall time between them, in % of one core', () => {
    assert.equal(cpuPercent({ at: 1000, cpuNs: 0 }, { at: 2000, cpuNs: 500e6 }), 50);
    assert.equal(cpuPercent({ at: 1000, cpuNs: 0 }, { at: 2000, cpuNs: 2000e6 }), 200);
  });
  it('has no value without a previous sample, when time did not advance, or across a restart (the counter fell)', () => {
    assert.equal(cpuPercent(undefined, { at: 2000, cpuNs: 5 }), null);
    assert.equal(cpuPercent({ at: 2000, cpuNs: 0 }, { at: 2000, cpuNs: 5 }), null);
    assert.equal(cpuPercent({ at: 1000, cpuNs: 900e6 }, { at: 2000, cpuNs: 5e6 }), null);
  });
});

describe('ContainerResults', () => {
  it('keeps the latest probe and sample of a container, and CPU from the last two samples', () => {
    const results = new ContainerResults();
    results.recordProbe('web', { sent: 5, received: 4, lossPercent: 20, rttMs: 0.5, rttMinMs: 0.2, rttMaxMs: 0.9 }, 'ok', 1000);
    results.recordSample('web', { cpuNs: 0, memoryBytes: 10, rxBytes: 1, txBytes: 2 }, 1000);
    assert.equal(results.get('web', 1000)?.cpuPercent, undefined);
    results.recordSample('web', { cpuNs: 250e6, memoryBytes: 20, rxBytes: 3, txBytes: 4 }, 2000);
    results.recordProbe('web', { sent: 5, received: 0, lossPercent: 100, rttMs: null }, 'lossy', 2000);
    const web = results.get('web', 2000);
    assert.equal(web?.cpuPercent, 25);
    assert.equal(web?.memoryBytes, 20);
    assert.equal(web?.lossPercent, 100);
    assert.equal(web?.rttMs, undefined, 'no reply: no round-trip time, not the old one');
    assert.equal(web?.rttMaxMs, undefined);
    assert.equal(web?.verdict, 'lossy');
  });

  it('counts successful heals of the last 24 h and keeps the last heal that was tried', () => {
    const results = new ContainerResults();
    const hour = 3600_000;
    results.recordHeal(heal(0));
    results.recordHeal(heal(10 * hour));
    results.recordHeal(heal(11 * hour, 'failed'));
    results.recordHeal(heal(12 * hour, 'backoff'));
    assert.equal(results.get('web', 12 * hour)?.restarts, 2);
    assert.equal(results.get('web', 12 * hour)?.lastHeal?.outcome, 'failed', 'a held-back restart is not a heal');
    assert.equal(results.get('web', 25 * hour)?.restarts, 1, 'the first one is over 24 h old');
  });

  it('tells its listeners of every heal, and knows nothing of a container never seen or forgotten', () => {
    const results = new ContainerResults();
    const seen: HealRecord[] = [];
    results.onHeal((r) => seen.push(r));
    results.recordHeal(heal(5));
    assert.equal(seen.length, 1);
    assert.equal(results.get('db', 5), undefined);
    results.forget('web');
    assert.equal(results.get('web', 5), undefined);
  });
});

describe('resource counters', () => {
  it('sums /proc/<pid>/net/dev over every interface but loopback', () => {
    const text = [
      'Inter-|   Receive                                                |  Transmit',
      ' face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed',
      '    lo:     100       1    0    0    0     0          0         0      100       1    0    0    0     0       0          0',
      '  eth0:    5000      40    0    0    0     0          0         0     3000      30    0    0    0     0       0          0',
      '  eth1:      10       1    0    0    0     0          0         0       20       1    0    0    0     0       0          0',
    ].join('\n');
    assert.deepEqual(parseNetDev(text), { rxBytes: 5010, txBytes: 3020 });
  });

  it("reads the engine's stats as cAdvisor does: working set is usage minus inactive file pages", () => {
    const sample = fromDockerStats({
      cpu_stats: { cpu_usage: { total_usage: 123 } },
      memory_stats: { usage: 1000, stats: { inactive_file: 300 } },
      networks: { eth0: { rx_bytes: 7, tx_bytes: 8 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
    });
    assert.deepEqual(sample, { cpuNs: 123, memoryBytes: 700, rxBytes: 8, txBytes: 10 });
  });

  it('reads cgroup v2 files of a container laid out as Docker with the systemd driver does', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
    const proc = mkdtempSync(join(tmpdir(), 'proc-'));
    const dir = join(root, 'system.slice', 'docker-abc.scope');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'cpu.stat'), 'usage_usec 1500\nuser_usec 1000\n');
    writeFileSync(join(dir, 'memory.current'), '4096\n');
    writeFileSync(join(dir, 'memory.stat'), 'anon 1\ninactive_file 1024\n');
    mkdirSync(join(proc, '42', 'net'), { recursive: true });
    writeFileSync(join(proc, '42', 'net', 'dev'), 'h1\nh2\n  eth0: 9 0 0 0 0 0 0 0 11 0 0 0 0 0 0 0\n');
    const samples = await new CgroupStatsSource(root, proc).sample([
      { name: 'web', id: 'abc', pid: 42 },
      { name: 'gone', id: 'zzz' },
    ]);
    assert.deepEqual(samples.get('web'), { cpuNs: 1_500_000, memoryBytes: 3072, rxBytes: 9, txBytes: 11 });
    assert.match(String(samples.get('gone')), /no (memory )?cgroup found for container zzz/);
  });

  it('reads the counters afresh every sample, and lets go of the files of a container no longer sampled', async () => {
    const root = mkdtempSync(join(tmpdir(), 'cgroup-'));
    const dir = join(root, 'memory', 'docker', 'abc');
    mkdirSync(dir, { recursive: true });
    mkdirSync(join(root, 'cpuacct', 'docker', 'abc'), { recursive: true });
    const cpuFile = join(root, 'cpuacct', 'docker', 'abc', 'cpuacct.usage');
    writeFileSync(cpuFile, '100\n');
    writeFileSync(join(dir, 'memory.usage_in_bytes'), '4096\n');
    writeFileSync(join(dir, 'memory.stat'), 'cache 1\ntotal_inactive_file 96\n');
    const source = new CgroupStatsSource(root, mkdtempSync(join(tmpdir(), 'proc-')));
    const openFiles = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(root);
        } catch {
          return false;
        }
      }).length;
    assert.equal(((await source.sample([{ name: 'web', id: 'abc' }])).get('web') as ResourceSample).cpuNs, 100);
    writeFileSync(cpuFile, '250\n');
    assert.deepEqual((await source.sample([{ name: 'web', id: 'abc' }])).get('web'), {
      cpuNs: 250,
      memoryBytes: 4000,
      rxBytes: 0,
      txBytes: 0,
    });
    assert.equal(openFiles(), 3);
    await source.sample([]);
    assert.equal(openFiles(), 0);
  });

  it('asks the fallback only for the containers the first source could not read', async () => {
    const asked: string[] = [];
    const sample: ResourceSample = { cpuNs: 1, memoryBytes: 1, rxBytes: 1, txBytes: 1 };
    const primary: StatsSource = {
      name: 'a',
      sample: async (cs) => new Map(cs.map((c) => [c.name, c.name === 'web' ? sample : new Error('unreadable')])),
    };
    const fallback: StatsSource = {
      name: 'b',
      sample: async (cs) => {
        asked.push(...cs.map((c) => c.name));
        return new Map(cs.map((c) => [c.name, sample]));
      },
    };
    const results = await new FallbackStats(primary, fallback).sample([
      { name: 'web', id: '1' },
      { name: 'db', id: '2' },
    ]);
    assert.deepEqual(asked, ['db']);
    assert.deepEqual(results.get('db'), sample);
  });
});

describe('ContainerResults: recovered', () => {
  const probe = { sent: 10, received: 10, lossPercent: 0, rttMs: 1, rttMinMs: 1, rttMaxMs: 1 };
  const heal = (action: HealRecord['action'], at: number): HealRecord => ({
    name: 'web',
    action,
    trigger: 'check',
    reason: 'x',
    outcome: 'ok',
    at,
    durationMs: 1,
  });

  it('once, when a container that was down, lossy or unhealthy has been ok for 3 checks in a row; trouble in between starts the count over', () => {
    const results = new ContainerResults();
    const told: string[] = [];
    results.onRecovered((r) => told.push(`${r.name} was ${r.was} for ${r.troubledForMs} ms`));
    results.recordProbe('web', probe, 'ok', 0);
    results.recordProbe('web', probe, 'ok', 1000);
    assert.deepEqual(told, [], 'never in trouble: nothing to recover from');
    results.recordProbe('web', probe, 'lossy', 2000);
    results.recordHeal(heal('restart', 2100));
    results.recordProbe('web', probe, 'ok', 3000);
    results.recordProbe('web', probe, 'ok', 4000);
    results.recordProbe('web', probe, 'lossy', 5000); // not yet: the count starts over
    for (const at of [6000, 7000]) results.recordProbe('web', probe, 'ok', at);
    assert.deepEqual(told, []);
    results.recordProbe('web', probe, 'ok', 8000);
    results.recordProbe('web', probe, 'ok', 9000);
    assert.deepEqual(told, ['web was lossy for 6000 ms']);
    results.recordHeal(heal('start', 10_000)); // it was down
    for (const at of [11_000, 12_000, 13_000]) results.recordProbe('web', probe, 'ok', at);
    assert.deepEqual(told, ['web was lossy for 6000 ms', 'web was down for 3000 ms']);
  });
});
