/**
 * Where a cycle learns of the host's containers: from the event-fed inventory between resyncs
 * (no engine call per container), from the engine on a resync cycle or without an inventory.
 * Every container looked at is handed to `seen` (its labels, its own StopTimeout).
 */
import { errorMessage } from '../../shared/errors.js';
import type { ContainerInfo, ContainerRuntime, InventoryView, Log } from '../ports.js';

export class ContainerLookup {
  private lastResync = -Infinity;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly log: Log,
    private readonly seen: { see(container: ContainerInfo): void; seeAll(containers: readonly ContainerInfo[]): void },
    private readonly inventory?: InventoryView,
    /**
     * With an inventory: every this often a cycle lists the host afresh and inspects every
     * monitored container; the cycles between take them from the inventory. 0: every cycle inspects.
     */
    private readonly resyncMs = 0,
  ) {}

  /** Whether this cycle takes containers from the inventory; false on a resync cycle (or with none). */
  async forCycle(now: number): Promise<boolean> {
    const inventory = this.inventory;
    if (!inventory || this.resyncMs <= 0) return false;
    const resync = now - this.lastResync >= this.resyncMs;
    try {
      await inventory.load(resync);
    } catch (error) {
      this.log.warn(`inventory: could not list the host's containers: ${errorMessage(error)}; inspecting each`, { kind: 'engine' });
      return false;
    }
    if (resync) this.lastResync = now;
    return !resync;
  }

  /**
   * Every container's labels, from the inventory (or one listing of the host when there is none),
   * so a container labelled `watchdog.monitor=true` is monitored from the first cycle after it
   * appears, if no event told of it before. A failed listing is logged; the cycle goes on with what it knew.
   */
  async readLabels(fromInventory: boolean): Promise<void> {
    try {
      this.seen.seeAll(fromInventory && this.inventory ? await this.inventory.list() : await this.runtime.list());
    } catch (error) {
      this.log.warn(`could not list the host's containers for their labels: ${errorMessage(error)}`, { kind: 'engine' });
    }
  }

  /** The container from the inventory when it can say, else from the engine (and the inventory is told). */
  async current(name: string, fromInventory: boolean): Promise<ContainerInfo | null> {
    const cached = fromInventory ? this.inventory?.lookup(name) : undefined;
    if (cached) this.seen.see(cached);
    if (cached !== undefined) return cached;
    const found = await this.runtime.inspect(name);
    this.inventory?.remember(name, found);
    if (found) this.seen.see(found);
    return found;
  }
}
