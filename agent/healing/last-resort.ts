/**
 * The last resort, free of I/O: the containers whose restart budget was spent under a policy that
 * says `stop` or `notify` (onExhausted), which the healer heals no more until someone acts. A
 * container given up with `stop` that is found running again was started by someone: it is
 * forgiven and healed as any other. One given up with `notify` stays as it is until it recovers.
 * Monitoring a container again, or its recovery, forgives it too.
 */
export type GiveUp = 'stop' | 'notify';

/** What giving up says: the budget that was spent, the heal that found it spent, and what is done instead. */
export function giveUpReason(how: GiveUp, restartLimit: number, windowMs: number, last: string): string {
  const what =
    how === 'stop'
      ? 'stopped it, and leaves it stopped until someone starts it or monitors it again'
      : 'leaves it as it is, and heals it no more until it recovers or is monitored again';
  return `restart budget spent (${restartLimit} in ${windowMs} ms; last: ${last}); gave up: ${what}`;
}

export class LastResort {
  private readonly given = new Map<string, GiveUp>();

  constructor(saved: Record<string, { gaveUp?: GiveUp }> = {}) {
    for (const [name, budget] of Object.entries(saved)) if (budget.gaveUp) this.given.set(name, budget.gaveUp);
  }

  giveUp(name: string, how: GiveUp): void {
    this.given.set(name, how);
  }

  /** Whether this heal is held because the container was given up on; a restart of one we stopped means someone started it. */
  holds(name: string, action: 'start' | 'restart'): boolean {
    const how = this.given.get(name);
    if (how === undefined) return false;
    if (how === 'stop' && action === 'restart') {
      this.given.delete(name);
      return false;
    }
    return true;
  }

  forgive(name: string): void {
    this.given.delete(name);
  }

  /** What to save beside the budgets. */
  entries(): [string, GiveUp][] {
    return [...this.given.entries()];
  }
}
