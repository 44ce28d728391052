/** The hosts whose agents are alive, from their heartbeats. No I/O; time comes from the clock. */
import type { Heartbeat } from '../bus/messages.js';
import type { Clock } from '../shared/clock.js';

export interface HostView {
  hostname: string;
  live: boolean;
  lastSeen: string;
  threshold: number;
  monitored: number;
}

export class HostRegistry {
  private readonly hosts = new Map<string, { seenAt: number; heartbeat: Heartbeat; left: boolean }>();

  constructor(
    private readonly clock: Clock,
    /** A host is live while its last heartbeat is younger than this. */
    private readonly liveForMs: number,
  ) {}

  record(heartbeat: Heartbeat): void {
    this.hosts.set(heartbeat.hostname, { seenAt: this.clock.now(), heartbeat, left: heartbeat.leaving === true });
  }

  isLive(hostname: string): boolean {
    const host = this.hosts.get(hostname);
    return host !== undefined && !host.left && this.clock.now() - host.seenAt < this.liveForMs;
  }

  live(): string[] {
    return [...this.hosts.keys()].filter((h) => this.isLive(h)).sort();
  }

  list(): HostView[] {
    return [...this.hosts.entries()]
      .map(([hostname, h]) => ({
        hostname,
        live: this.isLive(hostname),
        lastSeen: new Date(h.seenAt).toISOString(),
        threshold: h.heartbeat.threshold,
        monitored: h.heartbeat.monitored,
      }))
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }
}
