/**
 * What the REST API does with the agents, in the domain's terms: gather container lists, send
 * monitor/unmonitor, policy, mode and threshold commands, and turn the agents' replies into
 * results or ApiErrors (what happened, the events and history, is observations.ts's). It talks to the
 * agents only through the CommandBus port; its results are the types openapi.yaml defines.
 */
import { containerMatcher, isEmptyFilter } from '../bus/container-filter.js';
import { containersJson } from '../bus/shared-policies.js';
import type { Ack, Command, ContainerFilter, Reply } from '../bus/messages.js';
import { ApiError } from './api-error.js';
import { dryRunResult, hostAck, nobodyToAsk, policyView, thresholdResult, unknownHost } from './answers.js';
import type {
  Container,
  DryRunResult,
  Health,
  Host,
  HostResourceHistory,
  Policy,
  PolicyView,
  ThresholdResult,
} from '../api/contract.generated.js';
import type { HostRegistry } from './host-registry.js';
import { BusUnavailableError, type CommandBus } from './ports.js';
import { ANYONE } from './tokens.js';

/** How long /health waits for the broker's round trip. */
const HEALTH_PROBE_MS = 1000;

export { ApiError };

/** GET /containers' query: one host, and the filter the agents apply. */
export type ContainerQuery = ContainerFilter & { host?: string };

export interface ContainerList {
  /**
   * The containers GET /containers answers with, as the JSON array's elements in runs, one run per
   * host (its containers' objects, comma-separated), sorted by host, then name: the answer is `[`,
   * the runs joined by commas, `]`. A fleet's list is megabytes: each host's run is serialized as
   * its reply arrives (while slower hosts are awaited, and so that no reply is held parsed until
   * the last), never parsed again, and never joined into one string (one of megabytes would go to
   * V8's large-object space, which only a full collection frees: control's RSS grew by the
   * answer's size per call until one ran).
   */
  parts: string[];
  answered: string[];
  silent: string[];
}

const byName = (a: Container, b: Container): number => a.name.localeCompare(b.name);

/** A GET /containers joins a gather in flight begun at most this long ago. */
const JOIN_WINDOW_MS = 1000;

export class ControlService {
  private readonly listings = new Map<string, { startedAt: number; result: Promise<ContainerList> }>();

  constructor(
    private readonly bus: CommandBus,
    private readonly registry: HostRegistry,
    private readonly gatherTimeoutMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Every host's containers, or those the query asks for (one host, states, monitored or not, a
   * name pattern: the agents apply the filter, so only what is returned moves). Concurrent callers
   * with the same query share one gather in flight (single flight), so the load on agents does not
   * grow with callers; a caller joins only a gather begun within the last JOIN_WINDOW_MS, so no
   * answer is older than that when it is asked for.
   */
  listContainers(query: ContainerQuery = {}): Promise<ContainerList> {
    const now = this.now();
    const key = JSON.stringify([query.host, query.status, query.monitored, query.name]);
    const inFlight = this.listings.get(key);
    if (inFlight && now - inFlight.startedAt <= JOIN_WINDOW_MS) return inFlight.result;
    const result = this.gatherContainers(query);
    const flight = { startedAt: now, result };
    this.listings.set(key, flight);
    const clear = (): void => {
      if (this.listings.get(key) === flight) this.listings.delete(key);
    };
    result.then(clear, clear);
    return result;
  }

  private async gatherContainers(query: ContainerQuery): Promise<ContainerList> {
    await this.registry.settled();
    const { host, ...rest } = query;
    const filter: ContainerFilter = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    // Each distinct policy once on the bus (about half the bytes); written back in full below.
    const command = isEmptyFilter(filter)
      ? ({ kind: 'list_request', sharedPolicies: true } as const)
      : ({ kind: 'list_request', filter, sharedPolicies: true } as const);
    if (host !== undefined && !this.registry.isLive(host)) throw this.unknownHost(host);
    const wanted = containerMatcher(filter); // applied again: an agent that predates filters sends everything
    // One host's containers as a part of the answer's JSON array ('' when it has none).
    const part = (reply: Reply): { hostname: string; json: string } => {
      if (reply.kind !== 'list_response' || (host !== undefined && reply.hostname !== host)) return { hostname: reply.hostname, json: '' };
      return { hostname: reply.hostname, json: containersJson(reply.containers.filter(wanted).sort(byName), reply.policies) };
    };
    const options = { timeoutMs: this.gatherTimeoutMs, persistent: false, digest: part };
    const gathered = await this.send(() =>
      host === undefined ? this.bus.toAll(command, this.registry.live(), options) : this.bus.toHost(host, command, options),
    );
    const parts = gathered.replies.filter((p) => p.json !== '').sort((a, b) => a.hostname.localeCompare(b.hostname));
    // Silent: the live hosts that did not answer in time, and (for the whole fleet) the hosts heard from before that fell silent.
    const silent = host === undefined ? [...new Set([...gathered.silent, ...this.registry.silent()])].sort() : gathered.silent;
    return { parts: parts.map((p) => p.json), answered: gathered.answered, silent };
  }

  /** A host that is not live: 404, or 503 while the bus is down (nobody could be asked). */
  private unknownHost(hostname: string): ApiError {
    return unknownHost(hostname, this.bus.connected, this.registry.live());
  }

  /** A command for every host needs at least one live host to confirm it (answers.ts says why not). */
  private someoneToAsk(): void {
    const refusal = nobodyToAsk(this.bus.connected, this.registry.live(), this.registry.silent());
    if (refusal) throw refusal;
  }

  async setMonitored(hostname: string, name: string, monitored: boolean, by = ANYONE.name): Promise<Container> {
    const ack = await this.commandContainer(hostname, name, { kind: 'actives', hostname, name, monitored, by });
    return ack.container ?? { hostname, name, status: 'unknown', monitored };
  }

  /** A persistent command about one container of one host, and its agent's acknowledgement; a refusal or silence is an ApiError. */
  private async commandContainer(hostname: string, name: string, command: Extract<Command, { kind: 'actives' | 'policy' }>): Promise<Ack> {
    this.listings.clear(); // a listing after this command must show it
    await this.registry.settled();
    if (!this.registry.isLive(hostname)) throw this.unknownHost(hostname);
    const gathered = await this.send(() => this.bus.toHost(hostname, command, { timeoutMs: this.gatherTimeoutMs, persistent: true }));
    const ack = hostAck(gathered, hostname, name, this.gatherTimeoutMs);
    return ack;
  }

  /** A container's policy as its agent applies it: each value with its source, the API's part, the labels' problems. */
  async policy(hostname: string, name: string): Promise<PolicyView> {
    await this.registry.settled();
    if (!this.registry.isLive(hostname)) throw this.unknownHost(hostname);
    const command = { kind: 'list_request', filter: { name }, policies: true } as const;
    const gathered = await this.send(() => this.bus.toHost(hostname, command, { timeoutMs: this.gatherTimeoutMs, persistent: false }));
    const reply = gathered.replies.find((r) => r.kind === 'list_response' && r.hostname === hostname);
    if (!reply || reply.kind !== 'list_response')
      throw new ApiError(504, 'not_confirmed', `host ${hostname} did not answer within ${this.gatherTimeoutMs} ms`);
    const container = reply.containers.find((c) => c.name === name && c.status !== 'absent');
    if (!container) throw new ApiError(404, 'unknown_container', `no container named ${name} on host ${hostname}`);
    if (!container.policy)
      throw new ApiError(502, 'agent_failed', `the agent on host ${hostname} does not know policies (an older version): upgrade it`);
    return policyView(container);
  }

  /** Replaces the container's API policy (`{}` removes it); answers with its policy as the agent now applies it. */
  async setPolicy(hostname: string, name: string, policy: Policy, by = ANYONE.name): Promise<PolicyView> {
    const ack = await this.commandContainer(hostname, name, { kind: 'policy', hostname, name, policy, by });
    // `{}` for a name with no container: the agent drops any policy kept for that name; the container is still not there.
    if (ack.container?.status === 'absent')
      throw new ApiError(
        404,
        'unknown_container',
        `no container named ${name} on host ${hostname} (a policy the API had set for that name is removed)`,
      );
    if (!ack.container?.policy)
      throw new ApiError(502, 'agent_failed', `the agent on host ${hostname} does not know policies (an older version): upgrade it`);
    return policyView(ack.container);
  }

  /** Observe-only on or off, for one host or every live one; a refusal (DRY_RUN=true on that host) is listed as such. */
  async setDryRun(dryRun: boolean, hostname?: string, by = ANYONE.name): Promise<DryRunResult> {
    this.listings.clear();
    await this.registry.settled();
    if (hostname !== undefined && !this.registry.isLive(hostname)) throw this.unknownHost(hostname);
    if (hostname === undefined) this.someoneToAsk();
    const command = hostname === undefined ? ({ kind: 'mode', dryRun, by } as const) : ({ kind: 'mode', hostname, dryRun, by } as const);
    const options = { timeoutMs: this.gatherTimeoutMs, persistent: true };
    const gathered = await this.send(() =>
      hostname === undefined ? this.bus.toAll(command, this.registry.live(), options) : this.bus.toHost(hostname, command, options),
    );
    const result = dryRunResult(dryRun, gathered, hostname, this.gatherTimeoutMs);
    for (const confirmed of result.confirmed) this.registry.confirmed(confirmed, { dryRun });
    return result;
  }

  async setThreshold(threshold: number, by = ANYONE.name): Promise<ThresholdResult> {
    this.listings.clear(); // a listing after this command must show it
    await this.registry.settled();
    this.someoneToAsk();
    const gathered = await this.send(() =>
      this.bus.toAll({ kind: 'threshold', threshold, by }, this.registry.live(), { timeoutMs: this.gatherTimeoutMs, persistent: true }),
    );
    // Confirmed hosts show the new threshold at once, even when a refusal elsewhere makes the answer a 502.
    for (const reply of gathered.replies) if (reply.kind === 'ack' && reply.ok) this.registry.confirmed(reply.hostname, { threshold });
    return thresholdResult(threshold, gathered, this.gatherTimeoutMs);
  }

  hosts(): Host[] {
    return this.registry.list();
  }

  hostResources(hostname: string): HostResourceHistory {
    const history = this.registry.resourceHistory(hostname);
    if (!history) throw new ApiError(404, 'unknown_host', `no agent on host ${hostname} has sent its health since control started`);
    return history;
  }

  /** Ok only while the broker answers: a connection to a frozen broker is `unresponsive`, not `connected`. */
  async health(): Promise<Health> {
    const bus = !this.bus.connected ? 'disconnected' : (await this.bus.responsive(HEALTH_PROBE_MS)) ? 'connected' : 'unresponsive';
    return { status: bus === 'connected' ? 'ok' : 'degraded', bus, liveHosts: this.registry.live().length };
  }

  private async send<T>(request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      if (error instanceof BusUnavailableError) throw new ApiError(503, 'bus_unavailable', error.message, error.commandId);
      throw error;
    }
  }
}
