/** The Prometheus HTTP API, as GET /history needs it: one range query. */
import { ApiError } from './api-error.js';
import type { Matrix } from './history.js';
import type { MetricsStore } from './ports.js';

const QUERY_TIMEOUT_MS = 10_000;

export class PrometheusClient implements MetricsStore {
  constructor(private readonly baseUrl: string) {}

  async queryRange(query: string, fromMs: number, toMs: number, stepSeconds: number): Promise<Matrix[]> {
    const params = new URLSearchParams({ query, start: String(fromMs / 1000), end: String(toMs / 1000), step: String(stepSeconds) });
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl.replace(/\/$/, '')}/api/v1/query_range?${params.toString()}`, {
        signal: AbortSignal.timeout(QUERY_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(502, 'prometheus_failed', `Prometheus at ${this.baseUrl} did not answer: ${(error as Error).message}`);
    }
    const body = (await response.json().catch(() => ({}))) as { status?: string; error?: string; data?: { result?: Matrix[] } };
    if (!response.ok || body.status !== 'success') {
      throw new ApiError(
        502,
        'prometheus_failed',
        `Prometheus at ${this.baseUrl} answered ${response.status}: ${body.error ?? 'no error text'}`,
      );
    }
    return body.data?.result ?? [];
  }
}
