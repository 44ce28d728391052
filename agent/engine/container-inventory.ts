/**
 * The host's containers, kept current from Docker events, so answering `list_request` and running
 * the check cycle cost no Docker call per container: one full listing at start and after the
 * event stream reconnects, then one inspect per container that an event says changed. The
 * listing lacks a container's start time and process, so a container known only from it is
 * inspected once (by whoever looks it up) and remembered.
 */
import type { ContainerInfo, ContainerRuntime, EventHandlers, InventoryView, Log, RuntimeEvent } from '../ports.js';

/** Events after which a container's status or name may differ. */
const CHANGES = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'rename', 'update']);

export class ContainerInventory implements InventoryView {
  private readonly byId = new Map<string, ContainerInfo>();
  private readonly idByName = new Map<string, string>();
  /** Containers an event said changed, whose inspect has not come back: the inventory cannot say. */
  private readonly changing = new Map<string, number>();
  private loaded: Promise<void> | null = null;
  private ready = false;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly log: Log,
  ) {}

  async list(): Promise<ContainerInfo[]> {
    await this.load();
    return [...this.byId.values()];
  }

  /** Lists the host's containers if the inventory is not loaded (or `afresh`: a resync that corrects any missed event). */
  async load(afresh = false): Promise<void> {
    if (afresh) this.loaded = null;
    this.loaded ??= this.reload();
    await this.loaded;
  }

  lookup(name: string): ContainerInfo | null | undefined {
    if (!this.ready || this.changing.has(name)) return undefined;
    const id = this.idByName.get(name);
    if (id === undefined) return null;
    const found = this.byId.get(id);
    return found?.startedAt ? found : undefined; // known only from the listing: it cannot say which instance
  }

  remember(name: string, found: ContainerInfo | null): void {
    if (found) return this.set(found);
    const id = this.idByName.get(name);
    if (id !== undefined) this.delete(id);
  }

  /** The runtime with its event stream also feeding this inventory: pass it to the watchdog. */
  watching(): ContainerRuntime {
    const runtime = this.runtime;
    return {
      inspect: (name) => runtime.inspect(name),
      list: () => runtime.list(),
      start: (name) => runtime.start(name),
      restart: (name, stopTimeoutSec) => runtime.restart(name, stopTimeoutSec),
      stop: (name, stopTimeoutSec) => runtime.stop(name, stopTimeoutSec),
      ...(runtime.exec ? { exec: runtime.exec.bind(runtime) } : {}),
      watchEvents: (handlers: EventHandlers) =>
        runtime.watchEvents({
          onEvent: (event) => {
            this.apply(event);
            handlers.onEvent(event);
          },
          onReconnect: () => {
            this.forgetAll(); // events were missed: list afresh on the next request
            handlers.onReconnect();
          },
          onError: (error) => handlers.onError(error),
        }),
    };
  }

  private apply(event: RuntimeEvent): void {
    if (event.action === 'destroy') {
      this.delete(event.id);
    } else if (CHANGES.has(event.action)) {
      this.changing.set(event.name, (this.changing.get(event.name) ?? 0) + 1);
      void this.runtime
        .inspect(event.name)
        .then((found) => {
          if (found) this.set(found);
          else this.delete(event.id);
        })
        .catch((error: unknown) => {
          this.log.warn(`inventory: could not inspect ${event.name}: ${(error as Error).message}; listing afresh`, { kind: 'engine' });
          this.forgetAll();
        })
        .finally(() => {
          const left = (this.changing.get(event.name) ?? 1) - 1;
          if (left > 0) this.changing.set(event.name, left);
          else this.changing.delete(event.name);
        });
    }
  }

  private set(found: ContainerInfo): void {
    const before = this.byId.get(found.id);
    if (before && before.name !== found.name && this.idByName.get(before.name) === found.id) this.idByName.delete(before.name);
    this.byId.set(found.id, found);
    this.idByName.set(found.name, found.id);
  }

  private delete(id: string): void {
    const before = this.byId.get(id);
    this.byId.delete(id);
    if (before && this.idByName.get(before.name) === id) this.idByName.delete(before.name);
  }

  private forgetAll(): void {
    this.loaded = null;
    this.ready = false;
  }

  private async reload(): Promise<void> {
    try {
      const containers = await this.runtime.list();
      const known = new Map(this.byId);
      this.byId.clear();
      this.idByName.clear();
      // A container the listing shows unchanged keeps what inspect told of it (start time, process).
      for (const c of containers) {
        const before = known.get(c.id);
        this.set(before && before.running === c.running && before.status === c.status && before.ip === c.ip ? before : c);
      }
      this.ready = true;
    } catch (error) {
      this.loaded = null; // try again next time
      throw error;
    }
  }
}
