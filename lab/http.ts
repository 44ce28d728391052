/**
 * HTTP calls to the control service as a user makes them. Every answer is checked against
 * openapi.yaml (status documented for the operation, body valid for that status), so any test
 * that calls the API also proves the spec tells the truth.
 */
import { checkResponse } from './api-contract.js';

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

export async function http<T = unknown>(
  method: string,
  url: string,
  options: { body?: string; headers?: Record<string, string> } = {},
): Promise<HttpResult<T>> {
  const started = performance.now();
  // A plain (ref'd) timer: it keeps the test process alive while the request is pending, and ends a
  // request that would otherwise hang (seen once against a port Docker's proxy had just opened).
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new Error(`${method} ${url}: no answer within 15 s`)), 15_000);
  try {
    const response = await fetch(url, {
      method,
      signal: controller.signal,
      headers: { ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
      ...(options.body !== undefined ? { body: options.body } : {}),
    });
    const text = await response.text();
    const ms = performance.now() - started;
    let body: unknown = text;
    if (text !== '' && (response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    checkResponse(method, new URL(url).pathname, response.status, body);
    return { status: response.status, headers: response.headers, body: body as T, ms };
  } finally {
    clearTimeout(timer);
  }
}
