/**
 * The host's own health on the agent's /metrics, with node_exporter's names where it has them
 * (and a `host` label), read at scrape time from the last sample: a query written for
 * node_exporter works here without one. No CPU label: the CPU seconds are all cores together.
 */
import type { Registry } from 'prom-client';
import { counter, gauge } from '../../shared/metrics.js';
import type { HostResources } from '../engine/host-resources.js';

export function hostMetrics(registry: Registry, hostname: string, resources: HostResources): Registry {
  const host = { host: hostname };
  const latest = (): NonNullable<HostResources['latest']> => resources.latest ?? {};
  const set = (name: string, help: string, read: (r: NonNullable<HostResources['latest']>) => number | undefined): void =>
    gauge(registry, name, help, ['host'], (put) => {
      const value = read(latest());
      if (value !== undefined) put(host, value);
    });
  set('node_load1', '1-minute load average.', (r) => r.load1);
  set('node_load5', '5-minute load average.', (r) => r.load5);
  set('node_load15', '15-minute load average.', (r) => r.load15);
  set('node_memory_MemTotal_bytes', 'Memory information field MemTotal_bytes.', (r) => r.memoryTotalBytes);
  set('node_memory_MemAvailable_bytes', 'Memory information field MemAvailable_bytes.', (r) =>
    r.memoryTotalBytes === undefined || r.memoryUsedBytes === undefined ? undefined : r.memoryTotalBytes - r.memoryUsedBytes,
  );
  gauge(
    registry,
    'node_filesystem_size_bytes',
    "Filesystem size in bytes (the disk of Docker's data root).",
    ['host', 'mountpoint'],
    (put) => {
      const r = latest();
      if (r.diskTotalBytes !== undefined) put({ ...host, mountpoint: r.diskPath ?? '/' }, r.diskTotalBytes);
    },
  );
  gauge(
    registry,
    'node_filesystem_avail_bytes',
    'Filesystem space available to non-root users in bytes.',
    ['host', 'mountpoint'],
    (put) => {
      const r = latest();
      if (r.diskAvailableBytes !== undefined) put({ ...host, mountpoint: r.diskPath ?? '/' }, r.diskAvailableBytes);
    },
  );
  counter(registry, 'node_cpu_seconds_total', 'Seconds the CPUs spent in each mode (all cores together).', ['host', 'mode'], (inc) => {
    for (const [mode, seconds] of Object.entries(resources.cpuSeconds)) inc({ ...host, mode }, seconds);
  });
  counter(registry, 'node_network_receive_bytes_total', 'Bytes received by every interface but loopback.', ['host', 'device'], (inc) => {
    const r = latest();
    if (r.networkRxBytes !== undefined) inc({ ...host, device: 'all' }, r.networkRxBytes);
  });
  counter(registry, 'node_network_transmit_bytes_total', 'Bytes sent by every interface but loopback.', ['host', 'device'], (inc) => {
    const r = latest();
    if (r.networkTxBytes !== undefined) inc({ ...host, device: 'all' }, r.networkTxBytes);
  });
  return registry;
}
