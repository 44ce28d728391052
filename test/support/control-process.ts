/** Runs the real control service as a child process (`npm run control` with env vars) on a free port. */
import type { ChildProcess } from 'node:child_process';
import { StopWaiting, waitFor } from './lab.js';
import { runEntry } from './process.js';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

export interface ControlProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  stop(): Promise<number | null>;
}

export interface HttpResult<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  ms: number;
}

export async function startControl(env: Record<string, string> = {}): Promise<ControlProcess> {
  const control = runEntry('control/main.ts', { AMQP_URL, PORT: '0', ...env });
  const port = await waitFor('control to listen', () => {
    if (control.child.exitCode !== null) throw new StopWaiting(`control exited with ${control.child.exitCode}:\n${control.output()}`);
    return /listening on http:\/\/localhost:(\d+)/.exec(control.output())?.[1];
  }, 20_000);
  return { ...control, url: `http://localhost:${port}` };
}

export async function http<T = unknown>(method: string, url: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
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
    if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: body as T, ms };
  } finally {
    clearTimeout(timer);
  }
}
