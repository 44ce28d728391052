/**
 * What the REST API does, in the domain's terms: gather container lists, send monitor/unmonitor
 * and threshold commands, and turn the agents' replies into results or ApiErrors.
 */
import type { Ack, ContainerStatus } from '../bus/messages.js';
import { TO_ALL, toHost } from '../bus/topology.js';
import { BusUnavailableError, type CommandBus } from './control-bus.js';
import type { HostRegistry, HostView } from './host-registry.js';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface ContainerList {
  containers: ContainerStatus[];
  answered: string[];
  silent: string[];
}

export interface ThresholdResult {
  threshold: number;
  confirmed: string[];
  unconfirmed: string[];
}

export class ControlService {
  constructor(
    private readonly bus: CommandBus,
    private readonly registry: HostRegistry,
    private readonly gatherTimeoutMs: number,
  ) {}

  async listContainers(): Promise<ContainerList> {
    await this.registry.settled();
    const gathered = await this.send(() =>
      this.bus.request({ kind: 'list_request' }, TO_ALL, this.registry.live(), { timeoutMs: this.gatherTimeoutMs, persistent: false }),
    );
    const containers = gathered.replies
      .flatMap((reply) => (reply.kind === 'list_response' ? reply.containers : []))
      .sort((a, b) => a.hostname.localeCompare(b.hostname) || a.name.localeCompare(b.name));
    return { containers, answered: gathered.answered, silent: gathered.silent };
  }

  async setMonitored(hostname: string, name: string, monitored: boolean): Promise<ContainerStatus> {
    await this.registry.settled();
    if (!this.registry.isLive(hostname)) {
      const live = this.registry.live();
      throw new ApiError(404, 'unknown_host', `no live agent on host ${hostname}; live hosts: ${live.length ? live.join(', ') : 'none'}`);
    }
    const gathered = await this.send(() =>
      this.bus.request({ kind: 'actives', hostname, name, monitored }, toHost(hostname), [hostname], { timeoutMs: this.gatherTimeoutMs, persistent: true }),
    );
    const ack = gathered.replies.find((r): r is Ack => r.kind === 'ack' && r.hostname === hostname);
    if (!ack) {
      throw new ApiError(504, 'not_confirmed', `host ${hostname} did not confirm within ${this.gatherTimeoutMs} ms; the command waits in its queue and is applied when its agent reads it`);
    }
    if (!ack.ok) {
      if (ack.error === 'not_found') throw new ApiError(404, 'unknown_container', ack.message ?? `no container named ${name} on host ${hostname}`);
      throw new ApiError(502, 'agent_failed', ack.message ?? `host ${hostname} could not apply the change`);
    }
    return ack.container ?? { hostname, name, status: 'unknown', monitored };
  }

  async setThreshold(threshold: number): Promise<ThresholdResult> {
    await this.registry.settled();
    const gathered = await this.send(() =>
      this.bus.request({ kind: 'threshold', threshold }, TO_ALL, this.registry.live(), { timeoutMs: this.gatherTimeoutMs, persistent: true }),
    );
    const confirmed = gathered.replies.filter((r) => r.kind === 'ack' && r.ok).map((r) => r.hostname);
    return { threshold, confirmed, unconfirmed: [...gathered.silent, ...gathered.replies.filter((r) => r.kind === 'ack' && !r.ok).map((r) => r.hostname)].sort() };
  }

  hosts(): HostView[] {
    return this.registry.list();
  }

  health(): { status: 'ok' | 'degraded'; bus: 'connected' | 'disconnected'; liveHosts: number } {
    const connected = this.bus.connected;
    return { status: connected ? 'ok' : 'degraded', bus: connected ? 'connected' : 'disconnected', liveHosts: this.registry.live().length };
  }

  private async send<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof BusUnavailableError) throw new ApiError(503, 'bus_unavailable', error.message);
      throw error;
    }
  }
}
