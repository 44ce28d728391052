/**
 * Brings monitored containers back: starts the ones that are down and restarts the ones judged
 * lossy or unhealthy, within the restart guard's budget. It knows which heals are under way, so
 * the engine events they cause are not mistaken for new failures, and it looks again at a
 * container that died while it was being healed.
 */
import type { Clock } from '../../shared/clock.js';
import { errorMessage } from '../../shared/errors.js';
import type { HealRecord } from '../container-results.js';
import { judgeContainer } from '../judging/decide.js';
import type { HealPolicy } from '../policy/policy.js';
import type { ContainerRuntime, Log } from '../ports.js';
import { BudgetSaver } from './budget-saver.js';
import { giveUpReason, LastResort, type GiveUp } from './last-resort.js';
import { tellOutcome, type HealAction, type OrderedHeal } from './heal-outcome.js';
import { HeldHeals } from './held-heals.js';
import { RestartLane } from './restart-lane.js';
import { backoffNotice, RestartGuard, type RestartPolicy, type SavedBudget } from './restart-guard.js';

export type { HealAction };

export class Healer {
  private readonly guard: RestartGuard;
  /** Containers with a start or restart of ours under way: their events are our own doing. */
  private readonly underway = new Map<string, Promise<void>>();
  /** Containers that died while we were healing them: look again afterwards. */
  private readonly recheck = new Set<string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
    private readonly log: Log,
    private readonly options: { stopTimeoutSec: number; restartPolicy: RestartPolicy; restartConcurrency?: number },
    /** Told of every heal's outcome (the results cache, metrics). */
    private readonly record: (heal: HealRecord) => void = () => undefined,
    /** The container's policy; without one, the host's settings and heals are done. */
    private readonly policyOf: (name: string, now: number) => HealPolicy = () => ({
      stopTimeoutSec: options.stopTimeoutSec,
      restartLimit: options.restartPolicy.maxRestarts,
      mode: 'act',
    }),
    /**
     * The budgets of a previous run, and where to save them whenever they change: a start or
     * restart is ordered only once the save that counts it has settled (write-ahead), so an agent
     * killed at any instant never exceeds a budget after it starts again.
     */
    budgets: { saved?: Record<string, SavedBudget>; changed?: (budgets: Record<string, SavedBudget>) => Promise<void> } = {},
  ) {
    this.guard = new RestartGuard(options.restartPolicy, budgets.saved);
    this.lastResort = new LastResort(budgets.saved);
    this.budgets = new BudgetSaver(
      () => {
        const saved = this.guard.saved(this.clock.now());
        for (const [name, gaveUp] of this.lastResort.entries())
          saved[name] = { restarts: [], level: 0, blockedUntil: 0, ...saved[name], gaveUp };
        return saved;
      },
      budgets.changed ?? (() => Promise.resolve()),
      log,
    );
    this.lane = new RestartLane(options.restartConcurrency ?? Infinity);
    this.held = new HeldHeals(log, record, options.restartPolicy.windowMs);
  }

  private readonly held: HeldHeals;

  private readonly budgets: BudgetSaver;
  private readonly lane: RestartLane;
  private readonly lastResort: LastResort;

  private saveBudgets(): Promise<void> {
    return this.budgets.request();
  }

  /** Restarts admitted and waiting for their turn (RESTART_CONCURRENCY). */
  get queuedRestarts(): number {
    return this.lane.queued;
  }

  isHealing(name: string): boolean {
    return this.underway.has(name);
  }

  /** The end of the container's restart backoff, or null when it is not in backoff. */
  backoffUntil(name: string): number | null {
    return this.guard.backoffUntil(name, this.clock.now());
  }

  /** Forgets a container's restart history: monitored again, it starts afresh. */
  forget(name: string): void {
    this.guard.forget(name);
    this.lastResort.forgive(name);
    this.held.forget(name);
  }

  /** It has been fine again (recovered): a container given up on is healed again. */
  recovered(name: string): void {
    this.lastResort.forgive(name);
    void this.saveBudgets().catch(() => undefined);
  }

  /** Waits for every heal under way. */
  async settled(): Promise<void> {
    await Promise.all(this.underway.values());
  }

  /** Starts the container if it is not running; during a heal of ours, looks again once it is done. */
  async ensureRunning(name: string, trigger: string): Promise<void> {
    if (this.isHealing(name)) {
      this.recheck.add(name);
      return;
    }
    try {
      const found = judgeContainer(await this.runtime.inspect(name));
      if (found.action === 'start') await this.heal(name, 'start', found.reason, trigger);
    } catch (error) {
      this.log.error(`${name}: could not inspect after ${trigger}: ${errorMessage(error)}`, { kind: 'action', container: name, trigger });
    }
  }

  /**
   * One start or restart, if none is under way and the guard admits it; every outcome is one log
   * line. Under a notify policy or observe-only, what would have been done is logged and recorded
   * instead, once per container and action within the restart window (it counts against no
   * budget); under action none, nothing happens.
   */
  async heal(name: string, action: HealAction, reason: string, trigger: string): Promise<void> {
    if (this.isHealing(name)) return;
    const startedAt = this.clock.now();
    const fields = { kind: 'action', container: name, action, reason, trigger };
    const record = (outcome: HealRecord['outcome'], durationMs: number): void =>
      this.record({ name, action, trigger, reason, outcome, at: startedAt, durationMs });
    const policy = this.policyOf(name, startedAt);
    if (policy.mode === 'none') return;
    // Decided but not done: told once (held-heals.ts), no budget spent.
    if (policy.silence) return this.held.bySilence({ name, action, reason, trigger, at: startedAt }, policy.silence);
    if (policy.mode !== 'act') return this.held.notDone({ name, action, reason, trigger, at: startedAt }, policy.mode);
    if (this.lastResort.holds(name, action)) return; // given up on: told once, when it was
    const admission = this.guard.admit(name, startedAt, policy.restartLimit);
    if (!admission.admitted) {
      // Spent (now, or still): the policy's last resort instead of a backoff; said once, then held above.
      if (policy.onExhausted !== undefined && policy.onExhausted !== 'backoff')
        return this.giveUp(name, policy.onExhausted, policy, { action, reason, trigger, startedAt });
      if (admission.enteredBackoff) void this.saveBudgets().catch(() => undefined);
      const notice = backoffNotice(name, action, admission, this.options.restartPolicy, policy.restartLimit);
      this.log.warn(notice.message, { ...fields, outcome: 'backoff', until: notice.until, backoffMs: admission.backoffMs });
      record('backoff', 0);
      return;
    }
    // Counted on disk first, then in turn (starts at once), then done.
    // A save that fails (reported by whoever saves) does not stop the heal: the budget still holds while this agent runs.
    const saved = this.saveBudgets().catch(() => undefined);
    const ordered: OrderedHeal = { name, action, reason, trigger, startedAt, calledAt: startedAt };
    const call = (): Promise<boolean> => {
      ordered.calledAt = this.clock.now();
      return this.act(name, action, policy.stopTimeoutSec);
    };
    const work = saved
      .then(() => this.lane.run(action, call))
      .then(
        (done) => {
          const { outcome, durationMs } = tellOutcome(this.log, ordered, this.clock.now(), { done });
          if (!done) {
            // Nothing was done: it does not count against the restart budget (a container caught between create and start).
            this.guard.undo(name, startedAt);
            void this.saveBudgets().catch(() => undefined);
          }
          record(outcome, durationMs);
        },
        (error: unknown) => {
          const { outcome, durationMs } = tellOutcome(this.log, ordered, this.clock.now(), { error });
          record(outcome, durationMs);
        },
      );
    this.underway.set(name, work);
    try {
      await work;
    } finally {
      this.underway.delete(name);
      if (this.recheck.delete(name)) void this.ensureRunning(name, 'recheck: died while being healed');
    }
  }

  /** The budget is spent and the policy says stop or notify: once, said, saved, and (stop) the container stopped. */
  private async giveUp(
    name: string,
    how: GiveUp,
    { restartLimit, stopTimeoutSec }: HealPolicy,
    heal: { action: HealAction; reason: string; trigger: string; startedAt: number },
  ): Promise<void> {
    this.lastResort.giveUp(name, how);
    const reason = giveUpReason(how, restartLimit, this.options.restartPolicy.windowMs, `${heal.trigger}: ${heal.reason}`);
    const fields = { kind: 'action', container: name, action: heal.action, trigger: heal.trigger, outcome: 'gave-up', gaveUp: how };
    await this.saveBudgets().catch(() => undefined);
    if (how === 'stop') {
      const stopping = this.runtime.stop(name, stopTimeoutSec);
      this.underway.set(name, stopping.then(nothing, nothing));
      try {
        await stopping;
      } catch (error) {
        this.log.error(`${name}: gave up, but could not stop it: ${errorMessage(error)}`, { ...fields, error: errorMessage(error) });
      } finally {
        this.underway.delete(name);
      }
    }
    this.log.warn(`${name}: ${reason}`, fields);
    const durationMs = this.clock.now() - heal.startedAt;
    const { action, trigger, startedAt: at } = heal;
    this.record({ name, action, trigger, reason, outcome: 'gave-up', gaveUp: how, at, durationMs });
  }

  /** false when a start found it already running (someone else started it first). */
  private async act(name: string, action: HealAction, stopTimeoutSec: number): Promise<boolean> {
    if (action === 'start') return this.runtime.start(name);
    await this.runtime.restart(name, stopTimeoutSec);
    return true;
  }
}

const nothing = (): void => undefined;
