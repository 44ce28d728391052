/** Runs the real control service as a child process (`npm run control` with env vars) on a free port. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { waitFor } from './lab.js';

export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
const root = new URL('../../', import.meta.url).pathname;

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
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'control/main.ts')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', AMQP_URL, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const port = await waitFor('control to listen', () => {
    if (child.exitCode !== null) throw new Error(`control exited with ${child.exitCode}:\n${output}`);
    return /listening on http:\/\/localhost:(\d+)/.exec(output)?.[1];
  }, 20_000);
  return {
    child,
    url: `http://localhost:${port}`,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}

export async function http<T = unknown>(method: string, url: string, options: { body?: string; headers?: Record<string, string> } = {}): Promise<HttpResult<T>> {
  const started = performance.now();
  const response = await fetch(url, {
    method,
    headers: { ...(options.body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...options.headers },
    ...(options.body !== undefined ? { body: options.body } : {}),
  });
  const text = await response.text();
  const ms = performance.now() - started;
  let body: unknown = text;
  if ((response.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body: body as T, ms };
}
