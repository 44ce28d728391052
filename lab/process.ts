/** Runs one of the project's own commands (`tsx <entry>`, or compiled as the images run it) as a child process, collecting its output. */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { compiledEntry } from './compiled.js';

const root = new URL('../', import.meta.url).pathname;

export interface Child {
  readonly child: ChildProcess;
  output(): string;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

/** `compiled`: node on the compiled JavaScript (lab/compiled.ts), as the images run it, instead of tsx. */
export function runEntry(entry: string, env: Record<string, string>, { compiled = false } = {}): Child {
  const args = compiled ? [compiledEntry(entry)] : ['--import', 'tsx', join(root, entry)];
  const child = spawn(process.execPath, args, {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    child,
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
