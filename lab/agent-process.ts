/** Runs the real agent as a child process, as an operator would (`npm run agent` with env vars). */
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StopWaiting, waitFor } from './wait.js';
import { runEntry } from './process.js';

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
  const agent = runEntry('agent/main.ts', { AGENT_HOSTNAME: 'h1', LOG_FILE: logFile, STATE_FILE: stateFile, ...env });
  return {
    ...agent,
    dir,
    logFile,
    stateFile,
    log: () => readLog(logFile),
    waitForLog: (what, match, timeoutMs = 15_000) =>
      waitFor(
        what,
        () => {
          if (agent.child.exitCode !== null) throw new StopWaiting(`agent exited with ${agent.child.exitCode}:\n${agent.output()}`);
          return readLog(logFile).find(match);
        },
        timeoutMs,
      ),
  };
}
