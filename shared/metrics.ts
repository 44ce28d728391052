/** What the agent and control share for Prometheus: the default registry, scrape-time gauges, a bare /metrics server. */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * prom-client's default Node.js metrics, less the three gauges whose names end in `_total`
 * (promtool: "non-counter metrics should not have _total suffix"); each has a twin without the
 * suffix that carries the same count (nodejs_active_handles, _requests, _resources).
 */
const NOT_COUNTERS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export function defaultRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  for (const name of NOT_COUNTERS) registry.removeSingleMetric(name);
  return registry;
}

type Labels = Record<string, string>;

/** A gauge whose values are read when Prometheus scrapes; stale series (an unmonitored container) disappear. */
export function gauge(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: (set: (labels: Labels, value: number) => void) => void,
): void {
  new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => this.set(labels, value));
    },
  });
}

/** A counter read at scrape time from a total kept elsewhere (a sample of /proc, a count since start). */
export function counter(
  registry: Registry,
  name: string,
  help: string,
  labelNames: string[],
  read: (add: (labels: Labels, value: number) => void) => void,
): void {
  new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      read((labels, value) => this.inc(labels, value));
    },
  });
}

/** A bare HTTP server for Prometheus: GET /metrics in the text exposition format, 404 elsewhere. */
export function serveMetrics(registry: Registry, port: number, onError: (error: Error) => void, address = '127.0.0.1'): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url?.split('?')[0] !== '/metrics' || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('only GET /metrics here\n');
      return;
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: unknown) => res.writeHead(500, { 'Content-Type': 'text/plain' }).end(`metrics failed: ${String(error)}\n`),
    );
  });
  return new Promise((resolve) => {
    server.once('error', (error) => {
      onError(error);
      resolve(server);
    });
    server.listen(port, address, () => resolve(server));
  });
}
