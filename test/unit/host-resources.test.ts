import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseNetDev } from '../../agent/engine/cgroup-stats.js';
import { HostResources, parseCpu, parseLoad, parseMemory } from '../../agent/engine/host-resources.js';
import { hostHealth, sparkline } from '../../dashboard/model.js';

const STAT = (user: number, idle: number): string => `cpu  ${user} 0 100 ${idle} 50 0 10 0 0 0\ncpu0 1 2 3 4\nintr 1\n`;
const MEMINFO = 'MemTotal:        8000000 kB\nMemFree:          100000 kB\nMemAvailable:    2000000 kB\n';
const NET_DEV = `Inter-|   Receive                                                |  Transmit
 face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
    lo: 5000 10 0 0 0 0 0 0 5000 10 0 0 0 0 0 0
  eth0: 1000 10 0 0 0 0 0 0 300 3 0 0 0 0 0 0
docker0: 20 1 0 0 0 0 0 0 7 1 0 0 0 0 0 0
`;

describe("the host's own health", () => {
  it('reads /proc: CPU ticks busy and in all, memory, load, network without loopback; nonsense is null', () => {
    assert.deepEqual(parseCpu(STAT(400, 1000)), {
      busy: 510,
      total: 1560,
      byMode: { user: 400, nice: 0, system: 100, idle: 1000, iowait: 50, irq: 0, softirq: 10, steal: 0 },
    });
    assert.equal(parseCpu('intr 1'), null);
    assert.deepEqual(parseMemory(MEMINFO), { totalBytes: 8_192_000_000, availableBytes: 2_048_000_000 });
    assert.equal(parseMemory('MemTotal: 1 kB'), null, 'no MemAvailable: no made-up value');
    assert.deepEqual(parseLoad('0.52 0.40 0.31 2/345 6789\n'), [0.52, 0.4, 0.31]);
    assert.equal(parseLoad('x y z'), null);
    assert.deepEqual(parseNetDev(NET_DEV), { rxBytes: 1020, txBytes: 307 });
  });

  it('samples a host: CPU busy between two samples, memory in use, the disk; what cannot be read is left out', async () => {
    const proc = mkdtempSync(join(tmpdir(), 'proc-'));
    mkdirSync(join(proc, 'net'));
    writeFileSync(join(proc, 'stat'), STAT(400, 1000));
    writeFileSync(join(proc, 'meminfo'), MEMINFO);
    writeFileSync(join(proc, 'loadavg'), '1.50 1.00 0.50 1/1 1\n');
    const host = new HostResources(proc, proc);
    const first = await host.sample();
    assert.equal(first.cpuPercent, undefined, 'one sample says nothing of CPU busy');
    assert.equal(first.networkRxBytes, undefined, 'no /proc/net/dev here: left out');
    assert.equal(first.memoryUsedBytes, 8_192_000_000 - 2_048_000_000);
    assert.equal(first.load1, 1.5);
    assert.equal(first.diskPath, proc);
    assert.ok((first.diskTotalBytes ?? 0) > 0 && (first.diskAvailableBytes ?? -1) >= 0);
    writeFileSync(join(proc, 'stat'), STAT(700, 1100)); // +300 busy, +100 idle
    assert.equal((await host.sample()).cpuPercent, 75);
    assert.equal(host.cpuSeconds['user'], 7);
  });

  it('the dashboard says it in a few words, and names what is near its limit', () => {
    assert.equal(hostHealth(undefined), null);
    const ok = hostHealth({
      cpuPercent: 12.4,
      memoryUsedBytes: 2 * 1024 ** 3,
      memoryTotalBytes: 8 * 1024 ** 3,
      load1: 0.5,
      diskTotalBytes: 100,
      diskAvailableBytes: 40,
    });
    assert.equal(ok?.text, 'CPU 12 % · memory 2.0 GB of 8.0 GB · load 0.50 · disk 60 % used');
    assert.deepEqual(ok?.strained, []);
    const near = hostHealth({ cpuPercent: 95, memoryUsedBytes: 95, memoryTotalBytes: 100, diskTotalBytes: 100, diskAvailableBytes: 5 });
    assert.deepEqual(near?.strained, ['CPU', 'memory', 'disk']);
    assert.equal(sparkline([0, 100], 120, 24), '0.0,24.0 120.0,0.0');
    assert.equal(sparkline([50], 120, 24), '', 'one point is no line');
  });
});
