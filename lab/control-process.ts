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

export async function startControl(env: Record<string, string> = {}): Promise<ControlProcess> {
  const control = runEntry('control/main.ts', { AMQP_URL: brokerUrl('control'), PORT: '0', ...env });
  const port = await waitFor('control to listen', () => {
    if (control.child.exitCode !== null) throw new StopWaiting(`control exited with ${control.child.exitCode}:\n${control.output()}`);
    return /listening on http:\/\/localhost:(\d+)/.exec(control.output())?.[1];
  }, 20_000);
  return { ...control, url: `http://localhost:${port}` };
}
