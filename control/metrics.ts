/** Control's Prometheus exposition: REST calls, hosts live and silent, the bus; read at scrape time. */
import { Counter, Histogram, type Registry } from 'prom-client';
import { defaultRegistry, gauge } from '../shared/metrics.js';
import type { Host } from '../api/contract.generated.js';

export interface ControlMetrics {
  registry: Registry;
  /** Called when a REST call has been answered. */
  answered(operation: string, status: number, seconds: number): void;
}

export function controlMetrics(hosts: () => Host[], bus: { readonly connected: boolean }): ControlMetrics {
  const registry = defaultRegistry();
  const requests = new Counter({
    name: 'watchdog_http_requests_total',
    help: 'REST calls answered, by operation and status code.',
    labelNames: ['operation', 'code'],
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'watchdog_http_request_duration_seconds',
    help: 'Time to answer a REST call, by operation (GET /containers waits for every live agent, up to the gather deadline).',
    labelNames: ['operation'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8],
    registers: [registry],
  });
  gauge(registry, 'watchdog_bus_connected', '1 while control is connected to the broker, else 0.', [], (set) =>
    set({}, bus.connected ? 1 : 0),
  );
  gauge(registry, 'watchdog_hosts', 'Hosts heard from, by state: live (heartbeats arriving) or silent.', ['state'], (set) => {
    const all = hosts();
    const live = all.filter((h) => h.live).length;
    set({ state: 'live' }, live);
    set({ state: 'silent' }, all.length - live);
  });
  return {
    registry,
    answered(operation, status, seconds) {
      requests.inc({ operation, code: String(status) });
      duration.observe({ operation }, seconds);
    },
  };
}
