/**
 * What the API told the agent: the monitored and unmonitored names, the host's loss threshold,
 * policies per container and observe-only mode. A change is saved to the state store before it is
 * applied, and changes are applied one at a time, in order; a change that cannot be saved is not
 * applied and its caller hears why.
 */
import type { Silence } from '../../bus/messages.js';
import type { Policy } from './policy.js';
import type { AgentState, StateStore, SavedBudget } from '../ports.js';

export class WatchList {
  private state: Required<AgentState>;
  private names: Set<string>;
  private unmonitoredNames: Set<string>;
  private mutation: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    initial: AgentState,
  ) {
    this.state = {
      monitored: [...new Set(initial.monitored)],
      threshold: initial.threshold,
      unmonitored: [...new Set(initial.unmonitored ?? [])],
      policies: { ...initial.policies },
      dryRun: initial.dryRun === true,
      restartBudgets: { ...initial.restartBudgets },
      silences: [...(initial.silences ?? [])],
    };
    this.names = new Set(this.state.monitored);
    this.unmonitoredNames = new Set(this.state.unmonitored);
  }

  /** A copy; the optional parts only when they hold something. */
  get snapshot(): AgentState {
    return saved(this.state);
  }

  get dryRun(): boolean {
    return this.state.dryRun;
  }

  /** What the API said of a name: monitor (true), unmonitor (false), or nothing. */
  apiSaid(name: string): boolean | undefined {
    if (this.names.has(name)) return true;
    return this.unmonitoredNames.has(name) ? false : undefined;
  }

  /** The policy the API set for a container, if any. */
  policyOf(name: string): Policy | undefined {
    return this.state.policies[name];
  }

  /** The threshold alone: read for every probe, so without copying the monitored list. */
  get threshold(): number {
    return this.state.threshold;
  }

  has(name: string): boolean {
    return this.names.has(name);
  }

  setThreshold(threshold: number): Promise<AgentState> {
    return this.change((state) => ({ ...state, threshold }));
  }

  /** Unmonitoring is remembered, so a `watchdog.monitor=true` label does not monitor the container again. */
  setMonitored(name: string, monitored: boolean): Promise<AgentState> {
    return this.change((current) => {
      const others = current.monitored.filter((n) => n !== name);
      const unmonitored = current.unmonitored.filter((n) => n !== name);
      return {
        ...current,
        monitored: monitored ? [...others, name] : others,
        unmonitored: monitored ? unmonitored : [...unmonitored, name],
      };
    });
  }

  /** Replaces the container's API policy; an empty one removes it (labels and host defaults apply again). */
  setPolicy(name: string, policy: Policy): Promise<AgentState> {
    return this.change((current) => {
      const policies = { ...current.policies };
      if (Object.keys(policy).length === 0) delete policies[name];
      else policies[name] = { ...policy };
      return { ...current, policies };
    });
  }

  /** The restart budgets that still matter, saved with the rest. */
  setRestartBudgets(restartBudgets: Record<string, SavedBudget>): Promise<AgentState> {
    return this.change((current) => ({ ...current, restartBudgets }));
  }

  /** The silences that cover this host, replacing those held (control sends the whole list). */
  setSilences(silences: readonly Silence[]): Promise<AgentState> {
    return this.change((current) => ({ ...current, silences: structuredClone([...silences]) }));
  }

  /** The silences held (some may have ended: each holds only until its `until`). */
  get silences(): readonly Silence[] {
    return this.state.silences;
  }

  setDryRun(dryRun: boolean): Promise<AgentState> {
    return this.change((current) => ({ ...current, dryRun }));
  }

  /** What this list last wrote to the store (none yet: the first change is always written, whatever the start-up state came from). */
  private lastSaved: string | null = null;

  private change(next: (state: Required<AgentState>) => Required<AgentState>): Promise<AgentState> {
    const apply = async (): Promise<AgentState> => {
      const state = next(this.state);
      // A change to what was last saved costs no write (the same threshold again, a policy set twice): a flood of them costs no fsyncs a heal would queue behind.
      const text = JSON.stringify(saved(state));
      if (text === this.lastSaved) return this.snapshot;
      await this.store.save(saved(state));
      this.lastSaved = text;
      this.state = state;
      this.names = new Set(state.monitored);
      this.unmonitoredNames = new Set(state.unmonitored);
      return this.snapshot;
    };
    const result = this.mutation.then(apply, apply);
    this.mutation = result.catch(() => undefined);
    return result;
  }
}

/** The state as it is saved and handed out: a copy, the optional parts only when they hold something. */
function saved({ monitored, threshold, unmonitored, policies, dryRun, restartBudgets, silences }: Required<AgentState>): AgentState {
  return {
    monitored: [...monitored],
    threshold,
    ...(unmonitored.length > 0 ? { unmonitored: [...unmonitored] } : {}),
    ...(Object.keys(policies).length > 0 ? { policies: structuredClone(policies) } : {}),
    ...(dryRun ? { dryRun } : {}),
    ...(Object.keys(restartBudgets).length > 0 ? { restartBudgets: structuredClone(restartBudgets) } : {}),
    ...(silences.length > 0 ? { silences: structuredClone(silences) } : {}),
  };
}
