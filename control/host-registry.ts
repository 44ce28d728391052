/** The hosts whose agents are alive, from their heartbeats. No I/O; time comes from the clock. */
import type { Heartbeat } from '../bus/messages.js';
import type { Clock } from '../shared/clock.js';
import type { Host, HostResourceHistory } from '../api/contract.generated.js';
import { ResourceHistory } from './resource-history.js';

/** What a host confirmed it applied, shown until a heartbeat of its own agrees (or a host's live time passed). */
export interface ConfirmedChange {
  threshold?: number;
  dryRun?: boolean;
}

export class HostRegistry {
  private readonly hosts = new Map<string, { seenAt: number; heartbeat: Heartbeat; left: boolean }>();
  private readonly confirmedChanges = new Map<string, { change: ConfirmedChange; until: number }>();
  private listeningSince: number | null = null;
  private readonly resources = new ResourceHistory();

  constructor(
    private readonly clock: Clock,
    /** A host is live while its last heartbeat is younger than this. */
    private readonly liveForMs: number,
    /** How often agents send heartbeats: after (re)connecting, every live agent has been heard within it. */
    private readonly heartbeatMs: number,
  ) {}

  /**
   * Heartbeats flow again (the bus connected). When what the registry knows is stale (first
   * connect, or an outage longer than a host stays live), the picture is incomplete until one
   * heartbeat period has passed; after a short reconnect it is still true, and calls go on at once.
   */
  listening(): void {
    let lastHeard = -Infinity;
    for (const host of this.hosts.values()) lastHeard = Math.max(lastHeard, host.seenAt);
    this.listeningSince = this.clock.now() - lastHeard < this.liveForMs ? null : this.clock.now();
  }

  /** Resolves once every live agent has had the chance to send a heartbeat since the bus connected. */
  settled(): Promise<void> {
    const waitMs = this.listeningSince === null ? 0 : this.listeningSince + this.heartbeatMs + 250 - this.clock.now();
    return waitMs > 0 ? new Promise((resolve) => this.clock.setTimeout(resolve, waitMs)) : Promise.resolve();
  }

  record(heartbeat: Heartbeat): void {
    this.hosts.set(heartbeat.hostname, { seenAt: this.clock.now(), heartbeat, left: heartbeat.leaving === true });
    if (heartbeat.resources) this.resources.add(heartbeat.hostname, heartbeat.resources, this.clock.now());
    const pending = this.confirmedChanges.get(heartbeat.hostname);
    if (!pending) return;
    // A heartbeat sent before the change may arrive after its confirmation: only one that agrees ends the overlay.
    if (pending.change.threshold === heartbeat.threshold) delete pending.change.threshold;
    if (pending.change.dryRun === (heartbeat.dryRun === true)) delete pending.change.dryRun;
    if (pending.change.threshold === undefined && pending.change.dryRun === undefined) this.confirmedChanges.delete(heartbeat.hostname);
  }

  /**
   * A host confirmed a change (threshold, observe-only): GET /hosts says so at once, not one
   * heartbeat later. Until the host's own heartbeat agrees, and for no longer than a host stays live.
   */
  confirmed(hostname: string, change: ConfirmedChange): void {
    const pending = this.confirmedChanges.get(hostname)?.change ?? {};
    this.confirmedChanges.set(hostname, { change: { ...pending, ...change }, until: this.clock.now() + this.liveForMs });
  }

  /** The digest of the silences the host's agent holds, from its last heartbeat; undefined for an agent that predates silences. */
  silencesDigest(hostname: string): string | undefined {
    return this.hosts.get(hostname)?.heartbeat.silences;
  }

  isLive(hostname: string): boolean {
    const host = this.hosts.get(hostname);
    return host !== undefined && !host.left && this.clock.now() - host.seenAt < this.liveForMs;
  }

  /** Hosts heard from before that fell silent (not live, and did not say goodbye). */
  silent(): string[] {
    return [...this.hosts.entries()]
      .filter(([h, host]) => !host.left && !this.isLive(h))
      .map(([h]) => h)
      .sort();
  }

  /** The host's CPU and memory over the last hour; null for a host never heard with its health. */
  resourceHistory(hostname: string): HostResourceHistory | null {
    return this.resources.of(hostname, this.clock.now());
  }

  live(): string[] {
    return [...this.hosts.keys()].filter((h) => this.isLive(h)).sort();
  }

  list(): Host[] {
    return [...this.hosts.entries()]
      .map(([hostname, h]) => {
        const pending = this.confirmedChanges.get(hostname);
        const change = pending && pending.until > this.clock.now() ? pending.change : {};
        const dryRun = change.dryRun ?? h.heartbeat.dryRun === true;
        return {
          hostname,
          live: this.isLive(hostname),
          lastSeen: new Date(h.seenAt).toISOString(),
          threshold: change.threshold ?? h.heartbeat.threshold,
          monitored: h.heartbeat.monitored,
          ...(dryRun ? { dryRun: true } : {}),
          ...(h.heartbeat.resources ? { resources: h.heartbeat.resources } : {}),
        };
      })
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}
