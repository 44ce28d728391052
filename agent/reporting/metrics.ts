/**
 * The agent's Prometheus exposition: read at scrape time from the results cache (no work per
 * cycle), plus counters and histograms fed by heals and cycles as they happen. Per-container
 * resource metrics keep cAdvisor's names and its `name` label, so queries written for cAdvisor work.
 */
import { Counter, Histogram, type Registry } from 'prom-client';
import { defaultRegistry, gauge } from '../../shared/metrics.js';
import type { CycleReport, Watchdog } from '../watchdog.js';

/** The first word of a heal's trigger (`check`, `event`, `reconcile`, `recheck`): a label with few values. */
export const triggerKind = (trigger: string): string => /^[a-z]+/.exec(trigger)?.[0] ?? 'other';

export function agentMetrics(
  hostname: string,
  watchdog: Watchdog,
  bus: { readonly connected: boolean } | null,
  now: () => number = Date.now,
): Registry {
  const registry = defaultRegistry();
  const host = { host: hostname };
  const monitored = (): string[] => watchdog.policies.monitoredNames();
  const eachResult = (read: (r: NonNullable<ReturnType<Watchdog['resultOf']>>, labels: { host: string; name: string }) => void): void => {
    for (const name of monitored()) {
      const result = watchdog.resultOf(name);
      if (result) read(result, { host: hostname, name });
    }
  };

  const heals = new Counter({
    name: 'watchdog_heals_total',
    help: 'Starts and restarts by the watchdog, by container, action, trigger and outcome (backoff: held back by the restart budget).',
    labelNames: ['host', 'name', 'action', 'trigger', 'outcome'],
    registers: [registry],
  });
  const healDuration = new Histogram({
    name: 'watchdog_heal_duration_seconds',
    help: 'Time the engine took to start or restart a container, heals held back by the budget excluded.',
    labelNames: ['host', 'action'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
    registers: [registry],
  });
  watchdog.results.onHeal((heal) => {
    heals.inc({ ...host, name: heal.name, action: heal.action, trigger: triggerKind(heal.trigger), outcome: heal.outcome });
    if (heal.outcome === 'ok' || heal.outcome === 'already-running' || heal.outcome === 'failed')
      healDuration.observe({ ...host, action: heal.action }, heal.durationMs / 1000);
  });

  const cycleDuration = new Histogram({
    name: 'watchdog_cycle_duration_seconds',
    help: 'Duration of a check cycle (inspect, probe and judge every monitored container).',
    labelNames: ['host'],
    buckets: [0.25, 0.5, 1, 2, 3, 5, 10, 20],
    registers: [registry],
  });
  watchdog.onCycle((report: CycleReport) => cycleDuration.observe(host, report.durationMs / 1000));

  new Counter({
    name: 'watchdog_probe_gaps_total',
    help: 'Probes that were no evidence: the prober did not hear their round (its canary unanswered), so they counted neither as reply nor as loss.',
    labelNames: ['host'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc(host, watchdog.verdicts.probeGaps);
    },
  });

  gauge(registry, 'watchdog_loss_threshold_ratio', 'Packet loss above which a container is restarted (0.6 = 60 %).', ['host'], (set) =>
    set(host, watchdog.watchList.snapshot.threshold / 100),
  );
  gauge(registry, 'watchdog_monitored_containers', 'Containers this agent monitors.', ['host'], (set) => set(host, monitored().length));
  gauge(
    registry,
    'watchdog_bus_connected',
    '1 while the agent is connected to the broker, else 0 (also 0 without AMQP_URL).',
    ['host'],
    (set) => set(host, bus?.connected ? 1 : 0),
  );
  gauge(
    registry,
    'watchdog_container_backoff',
    '1 while the watchdog holds back restarts of the container after a restart storm, else 0.',
    ['host', 'name'],
    (set) => {
      for (const name of monitored()) set({ ...host, name }, (watchdog.healer.backoffUntil(name) ?? 0) > now() ? 1 : 0);
    },
  );
  gauge(registry, 'watchdog_container_restarts_24h', 'Starts and restarts by the watchdog in the last 24 h.', ['host', 'name'], (set) =>
    eachResult((r, l) => set(l, r.restarts)),
  );
  gauge(registry, 'watchdog_container_packet_loss_ratio', 'Packet loss of the last probe (0..1).', ['host', 'name'], (set) =>
    eachResult((r, l) => r.lossPercent !== undefined && set(l, r.lossPercent / 100)),
  );
  for (const [metric, key, what] of [
    ['watchdog_container_rtt_seconds', 'rttMs', 'Mean'],
    ['watchdog_container_rtt_min_seconds', 'rttMinMs', 'Fastest'],
    ['watchdog_container_rtt_max_seconds', 'rttMaxMs', 'Slowest'],
  ] as const) {
    gauge(registry, metric, `${what} round-trip time of the last probe's replies; absent when none came back.`, ['host', 'name'], (set) =>
      eachResult((r, l) => r[key] !== undefined && set(l, (r[key] ?? 0) / 1000)),
    );
  }
  gauge(
    registry,
    'container_memory_working_set_bytes',
    'Current working set of the container in bytes (as cAdvisor).',
    ['host', 'name'],
    (set) => eachResult((r, l) => r.memoryBytes !== undefined && set(l, r.memoryBytes)),
  );
  counterOf(
    registry,
    'container_cpu_usage_seconds_total',
    'Cumulative cpu time consumed in seconds (as cAdvisor).',
    (r) => (r.cpuNs === undefined ? undefined : r.cpuNs / 1e9),
    eachResult,
  );
  counterOf(
    registry,
    'container_network_receive_bytes_total',
    'Cumulative count of bytes received (as cAdvisor, all interfaces).',
    (r) => r.rxBytes,
    eachResult,
  );
  counterOf(
    registry,
    'container_network_transmit_bytes_total',
    'Cumulative count of bytes transmitted (as cAdvisor, all interfaces).',
    (r) => r.txBytes,
    eachResult,
  );
  return registry;
}

/** A counter mirrored from a counter the kernel keeps (it starts over when the container does, as in cAdvisor). */
function counterOf(
  registry: Registry,
  name: string,
  help: string,
  value: (r: NonNullable<ReturnType<Watchdog['resultOf']>>) => number | undefined,
  eachResult: (read: (r: NonNullable<ReturnType<Watchdog['resultOf']>>, labels: { host: string; name: string }) => void) => void,
): void {
  new Counter({
    name,
    help,
    labelNames: ['host', 'name'],
    registers: [registry],
    collect() {
      this.reset();
      eachResult((r, labels) => {
        const v = value(r);
        if (v !== undefined) this.inc(labels, v);
      });
    },
  });
}
