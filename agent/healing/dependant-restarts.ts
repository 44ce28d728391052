/**
 * After a container was healed (started or restarted), the containers that need it restarted
 * too (dependants.ts says which and in what order), one after another through the healer, so
 * that each is paced and counted against its own budget. A cycle in `watchdog.depends-on` is told
 * once, as a label problem of each container in it.
 */
import { errorMessage } from '../../shared/errors.js';
import type { HealRecord } from '../container-results.js';
import type { ContainerRuntime, Log } from '../ports.js';
import { dependantsOf, DEPENDS_ON_LABEL } from './dependants.js';
import type { Healer } from './healer.js';

const TRIGGER = 'dependency: ';

export class DependantRestarts {
  private readonly toldCycles = new Set<string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly healer: Healer,
    private readonly log: Log,
    private readonly labelProblem: (name: string, problems: string[]) => void,
  ) {}

  /** A heal's outcome: an ok start or restart (not itself a dependant's, whose own were in the same plan) restarts its dependants. */
  healed(heal: HealRecord): void {
    if (heal.outcome !== 'ok' || heal.trigger.startsWith(TRIGGER)) return;
    void this.restartAfter(heal.name).catch((error: unknown) =>
      this.log.error(`${heal.name}: its dependants were not restarted: ${errorMessage(error)}`, { kind: 'action', container: heal.name }),
    );
  }

  private async restartAfter(healed: string): Promise<void> {
    const plan = dependantsOf(healed, await this.runtime.list());
    for (const cycle of plan.cycles) {
      if (this.toldCycles.has(cycle)) continue;
      this.toldCycles.add(cycle);
      const problem = `${DEPENDS_ON_LABEL}: a cycle (${cycle}); none of them is restarted for another in it`;
      for (const name of new Set(cycle.split(' -> '))) this.labelProblem(name, [problem]);
    }
    for (const { name, why } of plan.restart) await this.healer.heal(name, 'restart', why, `${TRIGGER}${healed}`);
  }
}
