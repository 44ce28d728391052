/** Runs the real control service as a child process (`npm run control` with env vars) on a free port. */
import type { ChildProcess } from 'node:child_process';
import { StopWaiting, waitFor } from './wait.js';
import { runEntry } from './process.js';
import { brokerUrl } from './broker-users.js';
import { http } from './http.js';

export interface ControlProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  stop(): Promise<number | null>;
  /** Waits until control counts every one of these hosts live (GET /hosts), as a user would see it. */
  hostsLive(hosts: readonly string[], timeoutMs?: number): Promise<void>;
  /** Waits until control no longer counts the host live (silent, or gone after its goodbye). */
  hostNotLive(host: string, timeoutMs?: number): Promise<void>;
}

type Hosts = { hostname: string; live: boolean }[];

/** `compiled`: as the image runs it (node on the compiled JavaScript, NODE_ENV=production), for benchmarks of its memory and CPU. */
export async function startControl(env: Record<string, string> = {}, { compiled = false } = {}): Promise<ControlProcess> {
  const control = runEntry(
    'control/main.ts',
    { AMQP_URL: brokerUrl('control'), PORT: '0', ...(compiled ? { NODE_ENV: 'production' } : {}), ...env },
    { compiled },
  );
  const base = await waitFor(
    'control to listen',
    () => {
      if (control.child.exitCode !== null) throw new StopWaiting(`control exited with ${control.child.exitCode}:\n${control.output()}`);
      return /listening on (http:\/\/[^\s/]+:\d+)/.exec(control.output())?.[1];
    },
    20_000,
  );
  const token = env['API_READ_TOKEN'] ?? env['API_TOKEN'];
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const live = async (): Promise<Set<string>> =>
    new Set((await http<Hosts>('GET', `${base}/hosts`, { headers })).body.filter((h) => h.live).map((h) => h.hostname));
  return {
    ...control,
    url: base,
    hostsLive: async (hosts, timeoutMs = 20_000) => {
      await waitFor(
        `${hosts.join(', ')} to be live`,
        async () => {
          const set = await live();
          return hosts.every((h) => set.has(h));
        },
        timeoutMs,
        100,
      );
    },
    hostNotLive: async (host, timeoutMs = 20_000) => {
      await waitFor(`${host} to be no longer live`, async () => !(await live()).has(host), timeoutMs, 100);
    },
  };
}
