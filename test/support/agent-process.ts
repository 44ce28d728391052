/** Runs the real agent as a child process, as an operator would (`npm run agent` with env vars). */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './lab.js';

export interface LogEntry {
  time: string;
  level: string;
  message: string;
  host: string;
  kind?: string;
  container?: string;
  verdict?: string;
  action?: string;
  outcome?: string;
  trigger?: string;
  reason?: string;
  lossPercent?: number;
  rttMs?: number | null;
  [field: string]: unknown;
}

export interface AgentProcess {
  readonly dir: string;
  readonly logFile: string;
  readonly stateFile: string;
  readonly child: ChildProcess;
  output(): string;
  log(): LogEntry[];
  waitForLog(what: string, match: (entry: LogEntry) => boolean, timeoutMs?: number): Promise<LogEntry>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

const root = new URL('../../', import.meta.url).pathname;

export function readLog(logFile: string): LogEntry[] {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as LogEntry);
}

export function startAgent(env: Record<string, string>, dir = mkdtempSync(join(tmpdir(), 'agent-'))): AgentProcess {
  const logFile = env['LOG_FILE'] ?? join(dir, 'agent.log');
  const stateFile = env['STATE_FILE'] ?? join(dir, 'state.json');
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'agent/main.ts')], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', AGENT_HOSTNAME: 'h1', LOG_FILE: logFile, STATE_FILE: stateFile, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {
    dir,
    logFile,
    stateFile,
    child,
    output: () => output,
    log: () => readLog(logFile),
    waitForLog: (what, match, timeoutMs = 15_000) =>
      waitFor(what, () => {
        if (child.exitCode !== null) throw new Error(`agent exited with ${child.exitCode}:\n${output}`);
        return readLog(logFile).find(match);
      }, timeoutMs),
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      return exited;
    },
  };
}
