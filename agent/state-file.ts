/** The monitored list and threshold in a JSON file, written atomically (temp file, fsync, rename). */
import { mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { CONTAINER_NAME_RULE, isContainerName } from '../bus/messages.js';
import type { AgentState, StateStore } from './ports.js';

export class FileStateStore implements StateStore {
  constructor(readonly path: string) {}

  async load(): Promise<AgentState | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new Error(`not valid JSON (${(error as Error).message})`, { cause: error });
    }
    return parseState(parsed);
  }

  async save(state: AgentState): Promise<void> {
    await ensureDirectory(dirname(this.path));
    const temp = `${this.path}.${process.pid}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(`${JSON.stringify(state, null, 2)}\n`);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, this.path);
  }
}

export function parseState(value: unknown): AgentState {
  const state = value as Partial<AgentState> | null;
  if (typeof state !== 'object' || state === null) throw new Error('not a JSON object');
  if (!Array.isArray(state.monitored) || !state.monitored.every(isContainerName)) {
    throw new Error(`"monitored" must be a list of names, each ${CONTAINER_NAME_RULE}`);
  }
  const threshold = state.threshold;
  if (typeof threshold !== 'number' || !(threshold >= 0 && threshold <= 100)) {
    throw new Error('"threshold" must be a number from 0 to 100');
  }
  return { monitored: state.monitored, threshold };
}

/** mkdir -p without `recursive: true`, which never settles for some paths (seen under /proc on Node 20). */
async function ensureDirectory(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const parent = dirname(dir);
  if (parent !== dir) await ensureDirectory(parent);
  await mkdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'EEXIST') throw error;
  });
}
