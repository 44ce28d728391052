/** Runs the real control service as a child process (`npm run control` with env vars) on a free port. */
import type { ChildProcess } from 'node:child_process';
import { StopWaiting, waitFor } from './wait.js';
import { runEntry } from './process.js';
import { brokerUrl } from './broker-users.js';

export interface ControlProcess {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
  stop(): Promise<number | null>;
}

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
  return { ...control, url: base };
}
