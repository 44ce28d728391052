/**
 * Saves the restart budgets (and who was given up on) whenever they change, write-ahead: the
 * healer orders a start or restart only once the save that counts it has settled. One save at a
 * time; every request made while one runs shares the next, which starts after it and so includes
 * them all: in a storm of 60 verdicts, a few saves (each an fsync) instead of 60 in a row.
 */
import { errorMessage } from '../../shared/errors.js';
import type { Log, SavedBudget } from '../ports.js';

export class BudgetSaver {
  private saving: Promise<void> = Promise.resolve();
  private next: Promise<void> | null = null;

  constructor(
    /** The budgets as they are now. */
    private readonly snapshot: () => Record<string, SavedBudget>,
    private readonly save: (budgets: Record<string, SavedBudget>) => Promise<void>,
    private readonly log: Log,
  ) {}

  /** Settles once a save that started after this call is done; a save that fails is logged and does not reject (healing goes on). */
  request(): Promise<void> {
    this.next ??= this.saving.then(() => {
      this.next = null;
      return this.save(this.snapshot()).catch((error: unknown) => {
        const why = `restart budgets not saved (healing goes on; a restarted agent would not know these restarts): ${errorMessage(error)}`;
        this.log.error(why, { kind: 'agent' });
      });
    });
    this.saving = this.next;
    return this.next;
  }
}
