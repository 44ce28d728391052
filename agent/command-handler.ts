/**
 * What the agent does with an admin command from the bus. No AMQP here: the bus adapter parses,
 * calls `handle`, and sends back the reply it returns.
 */
import { containerMatcher } from '../bus/container-filter.js';
import type { Ack, Command, ContainerFilter, ContainerStatus, ListResponse, Reply } from '../bus/messages.js';
import { errorMessage } from '../shared/errors.js';
import type { ContainerResult } from './container-results.js';
import type { ContainerInfo, ContainerLister, ContainerRuntime } from './ports.js';
import type { Watchdog } from './watchdog.js';

export class CommandHandler {
  constructor(
    private readonly hostname: string,
    private readonly watchdog: Watchdog,
    private readonly runtime: ContainerRuntime,
    private readonly containers: ContainerLister = runtime,
  ) {}

  /** The reply to send, or null when the command is not for this host. */
  async handle(command: Command): Promise<Reply | null> {
    switch (command.kind) {
      case 'list_request':
        return this.listContainers(command.filter);
      case 'threshold':
        return this.setThreshold(command.threshold);
      case 'actives':
        if (command.hostname !== this.hostname) return null;
        return this.setMonitored(command.name, command.monitored);
    }
  }

  /**
   * Every container on this host, plus monitored names that have no container here (status
   * `absent`); with a filter, only those matching it (measured results are added only to them).
   */
  async listContainers(filter?: ContainerFilter): Promise<ListResponse> {
    const wanted = containerMatcher(filter);
    const monitored = new Set(this.watchdog.snapshot.monitored); // one lookup per container, not a scan
    const all = await this.containers.list();
    const present = new Set(all.map((c) => c.name));
    const containers = all.filter((c) => wanted({ name: c.name, status: c.status, monitored: monitored.has(c.name) })).map((c) => this.describe(c, monitored.has(c.name)));
    for (const name of monitored) {
      const absent: ContainerStatus = { hostname: this.hostname, name, status: 'absent', monitored: true };
      if (!present.has(name) && wanted(absent)) containers.push(absent);
    }
    containers.sort((a, b) => a.name.localeCompare(b.name));
    return { kind: 'list_response', hostname: this.hostname, containers };
  }

  private async setThreshold(threshold: number): Promise<Ack> {
    try {
      const state = await this.watchdog.setThreshold(threshold);
      return { kind: 'ack', hostname: this.hostname, command: 'threshold', ok: true, threshold: state.threshold };
    } catch (error) {
      return { kind: 'ack', hostname: this.hostname, command: 'threshold', ok: false, error: 'failed', message: `could not save the threshold: ${errorMessage(error)}` };
    }
  }

  private async setMonitored(name: string, monitored: boolean): Promise<Ack> {
    const refuse = (error: Ack['error'], message: string): Ack => ({ kind: 'ack', hostname: this.hostname, command: 'actives', ok: false, error, message });
    let container: ContainerInfo | null;
    try {
      container = await this.runtime.inspect(name);
    } catch (error) {
      return refuse('failed', `could not ask Docker about ${name}: ${errorMessage(error)}`);
    }
    // Unmonitoring a name with no container is allowed: it may have been removed.
    if (!container && monitored) return refuse('not_found', `no container named ${name} on host ${this.hostname}`);
    try {
      await this.watchdog.setMonitored(name, monitored);
    } catch (error) {
      return refuse('failed', `could not save the monitored list: ${errorMessage(error)}`);
    }
    const status: ContainerStatus = container ? this.describe(container, monitored) : { hostname: this.hostname, name, status: 'absent', monitored };
    return { kind: 'ack', hostname: this.hostname, command: 'actives', ok: true, container: status };
  }

  private describe(container: ContainerInfo, monitored: boolean): ContainerStatus {
    const backoffUntil = monitored ? this.watchdog.backoffUntil(container.name) : null;
    return {
      hostname: this.hostname,
      name: container.name,
      status: container.status,
      monitored,
      ...(backoffUntil === null ? {} : { backoffUntil: new Date(backoffUntil).toISOString() }),
      ...(monitored ? measured(this.watchdog.resultOf(container.name)) : {}),
    };
  }
}

/** A container's latest results as the optional fields of its ContainerStatus. */
function measured(result: ContainerResult | undefined): Partial<ContainerStatus> {
  if (!result) return {};
  const iso = (at: number | undefined) => (at === undefined ? undefined : new Date(at).toISOString());
  const fields: Partial<ContainerStatus> = {
    checkedAt: iso(result.checkedAt),
    lossPercent: result.lossPercent,
    rttMs: result.rttMs,
    rttMinMs: result.rttMinMs,
    rttMaxMs: result.rttMaxMs,
    cpuPercent: result.cpuPercent,
    memoryBytes: result.memoryBytes,
    networkRxBytes: result.rxBytes,
    networkTxBytes: result.txBytes,
    restarts: result.restarts,
    lastHeal: result.lastHeal && { ...result.lastHeal, at: new Date(result.lastHeal.at).toISOString() },
    lossVerdict: result.verdictDetail,
  };
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
