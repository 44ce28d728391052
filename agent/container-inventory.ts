/**
 * The host's containers, kept current from Docker events, so answering `list_request` costs no
 * Docker call: one full listing at start and after the event stream reconnects, then one inspect
 * per container that an event says changed.
 */
import type { ContainerInfo, ContainerRuntime, EventHandlers, Log, RuntimeEvent } from './ports.js';

/** Events after which a container's status or name may differ. */
const CHANGES = new Set(['create', 'start', 'restart', 'die', 'stop', 'kill', 'pause', 'unpause', 'rename', 'update']);

export class ContainerInventory {
  private readonly byId = new Map<string, ContainerInfo>();
  private loaded: Promise<void> | null = null;

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly log: Log,
  ) {}

  async list(): Promise<ContainerInfo[]> {
    this.loaded ??= this.reload();
    await this.loaded;
    return [...this.byId.values()];
  }

  /** What the inventory last learned of the container, without asking the engine; undefined when it has not. */
  known(name: string): ContainerInfo | undefined {
    for (const c of this.byId.values()) if (c.name === name) return c;
    return undefined;
  }

  /** The runtime with its event stream also feeding this inventory: pass it to the watchdog. */
  watching(): ContainerRuntime {
    const runtime = this.runtime;
    return {
      inspect: (name) => runtime.inspect(name),
      list: () => runtime.list(),
      start: (name) => runtime.start(name),
      restart: (name, stopTimeoutSec) => runtime.restart(name, stopTimeoutSec),
      watchEvents: (handlers: EventHandlers) =>
        runtime.watchEvents({
          onEvent: (event) => {
            this.apply(event);
            handlers.onEvent(event);
          },
          onReconnect: () => {
            this.loaded = null; // events were missed: list afresh on the next request
            handlers.onReconnect();
          },
          onError: (error) => handlers.onError(error),
        }),
    };
  }

  private apply(event: RuntimeEvent): void {
    if (event.action === 'destroy') {
      this.byId.delete(event.id);
    } else if (CHANGES.has(event.action)) {
      void this.runtime
        .inspect(event.name)
        .then((found) => {
          if (found) this.byId.set(found.id, found);
          else this.byId.delete(event.id);
        })
        .catch((error: unknown) => {
          this.log.warn(`inventory: could not inspect ${event.name}: ${(error as Error).message}; listing afresh`, { kind: 'engine' });
          this.loaded = null;
        });
    }
  }

  private async reload(): Promise<void> {
    try {
      const containers = await this.runtime.list();
      this.byId.clear();
      for (const c of containers) this.byId.set(c.id, c);
    } catch (error) {
      this.loaded = null; // try again next time
      throw error;
    }
  }
}
