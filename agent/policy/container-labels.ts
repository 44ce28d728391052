/**
 * What each container on the host says of itself: its `watchdog.*` labels and Docker's own
 * StopTimeout, as last seen in a listing, an inspect or an event. No I/O: wrong labels are handed
 * to `onProblems`, once per container and problem.
 */
import { readLabels, type LabelPolicy } from './policy-labels.js';
import type { ContainerInfo, RuntimeEvent } from '../ports.js';

export type Labelled = LabelPolicy & { stopTimeoutSec?: number };

export class ContainerLabels {
  private readonly byName = new Map<string, Labelled>();
  /** Problems already reported (name and problem). */
  private readonly reported = new Set<string>();

  constructor(private readonly onProblems: (name: string, problems: string[]) => void) {}

  get(name: string): Labelled | undefined {
    return this.byName.get(name);
  }

  /** Names whose label says `watchdog.monitor=true`. */
  monitorLabelled(): string[] {
    return [...this.byName].filter(([, label]) => label.monitor === true).map(([name]) => name);
  }

  /** Learns a container's labels and (from an inspect: it has a start time) its own StopTimeout. */
  see(container: ContainerInfo): void {
    const before = this.byName.get(container.name);
    const stopTimeoutSec = container.startedAt ? container.stopTimeoutSec : before?.stopTimeoutSec; // the listing does not have it
    const label = readLabels(container.labels);
    this.byName.set(container.name, { ...label, ...(stopTimeoutSec === undefined ? {} : { stopTimeoutSec }) });
    this.report(container.name, label.problems);
  }

  /** Label problems of a container, each told once (also those seen across containers, such as a cycle of depends-on). */
  report(name: string, problems: readonly string[]): void {
    const fresh = problems.filter((p) => !this.reported.has(`${name}\n${p}`));
    for (const p of fresh) this.reported.add(`${name}\n${p}`);
    if (fresh.length > 0) this.onProblems(name, fresh);
  }

  /** A whole listing of the host: every container in it seen, every other one forgotten. */
  seeAll(containers: readonly ContainerInfo[]): void {
    const present = new Set<string>();
    for (const container of containers) {
      present.add(container.name);
      this.see(container);
    }
    for (const name of this.byName.keys()) if (!present.has(name)) this.byName.delete(name);
  }

  /** An event carries the container's labels: a labelled container is known from its create event on. */
  seeEvent(event: RuntimeEvent): void {
    if (event.action === 'destroy') {
      this.byName.delete(event.name);
      return;
    }
    if (event.action !== 'create' && event.action !== 'start' && event.action !== 'die') return;
    const before = this.byName.get(event.name);
    const label = readLabels(event.labels);
    if (before && JSON.stringify(before.policy) === JSON.stringify(label.policy) && before.monitor === label.monitor) return;
    this.see({
      id: event.id,
      name: event.name,
      running: false,
      status: '',
      ip: null,
      startedAt: '',
      ...(event.labels ? { labels: event.labels } : {}),
    });
  }
}
