/** Runs the `watchdog` CLI as an operator does (node bin/watchdog.mjs), with its environment; what it printed and its exit code. */
import { execFile } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export const CLI_BIN = new URL('../bin/watchdog.mjs', import.meta.url).pathname;

export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return new Promise((resolve) =>
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 60_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}
