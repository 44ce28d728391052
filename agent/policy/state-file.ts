/** The agent's state (monitored names, threshold, policies, observe-only) in a JSON file, written atomically (temp file, fsync, rename). */
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CONTAINER_NAME_RULE, isContainerName, ruleBroken } from '../../bus/messages.js';
import { policyProblem } from './policy.js';
import type { AgentState, Log, StateStore, SavedBudget } from '../ports.js';
import { errorMessage } from '../../shared/errors.js';

export class FileStateStore implements StateStore {
  constructor(readonly path: string) {}

  /** Reads the saved state; first removes temporary files a save killed midway left behind (the file itself is whole: it is replaced by rename). */
  async load(): Promise<AgentState | null> {
    await this.removeStaleTemporaries();
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

  private async removeStaleTemporaries(): Promise<void> {
    const prefix = `${basename(this.path)}.`;
    const names = await readdir(dirname(this.path)).catch(() => [] as string[]);
    const stale = names.filter(
      (n) => n.startsWith(prefix) && /^\d+\.tmp$/.test(n.slice(prefix.length)) && n !== basename(this.temporary()),
    );
    await Promise.all(stale.map((n) => unlink(join(dirname(this.path), n)).catch(() => undefined)));
  }

  private temporary(): string {
    return `${this.path}.${process.pid}.tmp`;
  }

  async save(state: AgentState): Promise<void> {
    await ensureDirectory(dirname(this.path));
    const temp = this.temporary();
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
  const { unmonitored, policies, dryRun } = state;
  if (unmonitored !== undefined && (!Array.isArray(unmonitored) || !unmonitored.every(isContainerName))) {
    throw new Error(`"unmonitored" must be a list of names, each ${CONTAINER_NAME_RULE}`);
  }
  if (policies !== undefined) {
    if (typeof policies !== 'object' || policies === null || Array.isArray(policies))
      throw new Error('"policies" must be an object of policies by container name');
    for (const [name, policy] of Object.entries(policies)) {
      const broken = isContainerName(name) ? policyProblem(policy) : `not a container name (${CONTAINER_NAME_RULE})`;
      if (broken) throw new Error(`"policies.${name}": ${broken}`);
    }
  }
  if (dryRun !== undefined && typeof dryRun !== 'boolean') throw new Error('"dryRun" must be true or false');
  const { restartBudgets } = state;
  if (restartBudgets !== undefined && !isBudgets(restartBudgets))
    throw new Error('"restartBudgets" must be an object of {restarts, level, blockedUntil} by container name');
  const { silences } = state;
  if (silences !== undefined) {
    if (!Array.isArray(silences)) throw new Error('"silences" must be a list of silences');
    silences.forEach((silence, i) => {
      const broken = ruleBroken('Silence', silence);
      if (broken) throw new Error(`"silences[${i}]": ${broken}`);
    });
  }
  return {
    monitored: state.monitored,
    threshold,
    ...(unmonitored ? { unmonitored } : {}),
    ...(policies ? { policies } : {}),
    ...(dryRun ? { dryRun } : {}),
    ...(restartBudgets ? { restartBudgets } : {}),
    ...(silences ? { silences } : {}),
  };
}

function isBudgets(value: unknown): value is Record<string, SavedBudget> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const number = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  return Object.values(value as Record<string, Record<string, unknown>>).every(
    (b) =>
      typeof b === 'object' &&
      b !== null &&
      Array.isArray(b['restarts']) &&
      b['restarts'].every(number) &&
      number(b['level']) &&
      number(b['blockedUntil']) &&
      (b['lastRestartAt'] === undefined || number(b['lastRestartAt'])) &&
      (b['gaveUp'] === undefined || b['gaveUp'] === 'stop' || b['gaveUp'] === 'notify'),
  );
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

/**
 * The saved state, else the seed (MONITORED and LOSS_THRESHOLD), saved: the state file wins, the
 * environment only seeds the first start. An unusable file is moved aside, said, and the seed used.
 */
export async function loadState(store: FileStateStore, seed: AgentState, log: Log): Promise<AgentState> {
  try {
    const saved = await store.load();
    if (saved) {
      log.info(`state loaded from ${store.path}`, { kind: 'agent', ...saved });
      return saved;
    }
  } catch (error) {
    const aside = `${store.path}.corrupt-${Date.now()}`;
    await rename(store.path, aside).catch(() => undefined);
    log.error(
      `state file ${store.path} is unusable (${errorMessage(error)}); moved it to ${aside} and started from MONITORED and LOSS_THRESHOLD`,
      { kind: 'agent' },
    );
  }
  try {
    await store.save(seed);
  } catch (error) {
    log.error(`cannot write state file ${store.path}: ${errorMessage(error)}; changes will not survive a restart until it is writable`, {
      kind: 'agent',
    });
  }
  return seed;
}
