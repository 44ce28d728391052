/**
 * What the agent watches: the monitored names and the loss threshold. A change is saved to the
 * state store before it is applied, and changes are applied one at a time, in order; a change
 * that cannot be saved is not applied and its caller hears why.
 */
import type { AgentState, StateStore } from './ports.js';

export class WatchList {
  private state: AgentState;
  private names: Set<string>;
  private mutation: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: StateStore,
    initial: AgentState,
  ) {
    this.state = { monitored: [...new Set(initial.monitored)], threshold: initial.threshold };
    this.names = new Set(this.state.monitored);
  }

  get snapshot(): AgentState {
    return { monitored: [...this.state.monitored], threshold: this.state.threshold };
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

  setMonitored(name: string, monitored: boolean): Promise<AgentState> {
    return this.change((current) => {
      const others = current.monitored.filter((n) => n !== name);
      return { ...current, monitored: monitored ? [...others, name] : others };
    });
  }

  private change(next: (state: AgentState) => AgentState): Promise<AgentState> {
    const apply = async (): Promise<AgentState> => {
      const state = next(this.state);
      await this.store.save(state);
      this.state = state;
      this.names = new Set(state.monitored);
      return this.snapshot;
    };
    const result = this.mutation.then(apply, apply);
    this.mutation = result.catch(() => undefined);
    return result;
  }
}
