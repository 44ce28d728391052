/** Which container to attack and how, free of I/O: randomness comes in as a function. */

export type FaultKind = 'stop' | 'loss';

export interface Candidate {
  id: string;
  name: string;
  running: boolean;
  labels: Record<string, string>;
}

export interface Targeting {
  /** `key` (present) or `key=value`; null: no label needed. */
  label: string | null;
  /** Names must match it; null: any name. */
  pattern: RegExp | null;
  /** The antagonist's own container id (or a prefix of it), when it runs in one. */
  ownId: string | null;
}

/** Parts of the system itself: never a target, whatever the label or pattern says. */
export const PROTECTED_ROLES = new Set(['broker', 'control', 'agent', 'antagonist']);
export const ROLE_LABEL = 'watchdog.role';

export function isTarget(candidate: Candidate, targeting: Targeting): boolean {
  if (!candidate.running) return false;
  const role = candidate.labels[ROLE_LABEL];
  if (role !== undefined && PROTECTED_ROLES.has(role)) return false;
  if (targeting.ownId && candidate.id.startsWith(targeting.ownId)) return false;
  if (targeting.pattern && !targeting.pattern.test(candidate.name)) return false;
  if (targeting.label) {
    const [key = '', value] = targeting.label.split('=', 2);
    if (!(key in candidate.labels)) return false;
    if (value !== undefined && candidate.labels[key] !== value) return false;
  }
  return true;
}

export interface Fault {
  kind: FaultKind;
  target: Candidate;
  lossPercent?: number;
}

export function chooseFault(
  candidates: Candidate[],
  targeting: Targeting,
  kinds: FaultKind[],
  loss: { min: number; max: number },
  random: () => number,
): Fault | null {
  const targets = candidates.filter((c) => isTarget(c, targeting));
  if (targets.length === 0 || kinds.length === 0) return null;
  const target = targets[Math.floor(random() * targets.length)] as Candidate;
  const kind = kinds[Math.floor(random() * kinds.length)] as FaultKind;
  if (kind === 'stop') return { kind, target };
  return { kind, target, lossPercent: Math.round(loss.min + random() * (loss.max - loss.min)) };
}
