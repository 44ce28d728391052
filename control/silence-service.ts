/**
 * What the REST API does with silences: each one is recorded on the events stream before it
 * counts (so it outlives control), then sent whole to every agent, which keeps it in its state
 * file. Every second, a live host whose heartbeat names another digest than control's list for
 * it (away when it was sent, enrolled later, or holding an old list) is sent the list again.
 */
import { randomBytes } from 'node:crypto';
import type { components } from '../api/contract.generated.js';
import type { Event } from '../bus/messages.js';
import { ApiError } from './api-error.js';
import type { HostRegistry } from './host-registry.js';
import { BusUnavailableError, type CommandBus, type EventRecorder, type EventSource } from './ports.js';
import { newSilence, type Silence, type SilenceBook, type SilenceRequest } from './silence-book.js';

type SilenceResult = components['schemas']['SilenceResult'];

/** How long a call waits for control to have read the stream (and so every silence) to its end. */
const CATCH_UP_WAIT_MS = 5000;
/** A host whose list differs is sent it again at most this often. */
const RESEND_EVERY_MS = 10_000;
/** Who control's own resends are by, in the agents' command events. */
const KEEPER = 'control';

export class SilenceService {
  private readonly resentAt = new Map<string, number>();

  constructor(
    private readonly bus: CommandBus & EventRecorder & EventSource,
    private readonly registry: HostRegistry,
    private readonly book: SilenceBook,
    private readonly options: { gatherTimeoutMs: number; maxAheadMs: number; maxAhead: string },
    private readonly now: () => number = Date.now,
  ) {}

  async list(): Promise<Silence[]> {
    await this.caughtUp();
    return this.book.inForce(this.now());
  }

  async create(request: SilenceRequest, by: string): Promise<SilenceResult> {
    await this.caughtUp();
    const now = this.now();
    const id = `s-${randomBytes(6).toString('hex')}`;
    const { maxAheadMs, maxAhead } = this.options;
    const silence = newSilence(request, { id, by, now, maxAheadMs, maxAhead, inForce: this.book.inForce(now).length });
    await this.recordOnStream('created', silence, by);
    this.book.add(silence);
    return { silence, ...(await this.tellAgents(by)) };
  }

  async remove(id: string, by: string): Promise<SilenceResult> {
    await this.caughtUp();
    const silence = this.book.get(id, this.now());
    if (!silence) throw new ApiError(404, 'unknown_silence', `no silence in force has the id ${id} (it may have ended)`);
    await this.recordOnStream('removed', silence, by);
    this.book.remove(id);
    return { silence, ...(await this.tellAgents(by)) };
  }

  /** Sends the list again to each live host whose heartbeat names another digest (at most every RESEND_EVERY_MS each); only once every silence was read. */
  async keep(): Promise<void> {
    if (!this.bus.connected || !(await this.bus.caughtUp(0))) return;
    const now = this.now();
    for (const host of this.registry.live()) {
      const theirs = this.registry.silencesDigest(host);
      if (theirs === undefined || theirs === this.book.digestFor(host, now)) continue;
      if (now - (this.resentAt.get(host) ?? -Infinity) < RESEND_EVERY_MS) continue;
      this.resentAt.set(host, now);
      const command = { kind: 'silences', silences: this.book.inForce(now), by: KEEPER } as const;
      void this.bus.toHost(host, command, { timeoutMs: this.options.gatherTimeoutMs, persistent: true }).catch(() => undefined);
    }
  }

  /** The stream holds every silence: until control has read it to its end, no answer about silences is true. */
  private async caughtUp(): Promise<void> {
    if (await this.bus.caughtUp(CATCH_UP_WAIT_MS)) return;
    throw new ApiError(
      503,
      'bus_unavailable',
      this.bus.connected
        ? 'control has not yet read the events stream, which keeps the silences, to its end; ask again in a moment'
        : 'not connected to RabbitMQ, which keeps the silences; it reconnects by itself',
    );
  }

  private async recordOnStream(to: 'created' | 'removed', silence: Silence, by: string): Promise<void> {
    const event: Event = { kind: 'event', type: 'silence', at: new Date(this.now()).toISOString(), host: 'control', to, silence, by };
    try {
      await this.bus.record(event, this.options.gatherTimeoutMs);
    } catch (error) {
      if (error instanceof BusUnavailableError) throw new ApiError(503, 'bus_unavailable', error.message);
      throw error;
    }
  }

  /** The whole list to every agent; the live hosts that confirmed, and those that did not (they get it when next heard: keep()). */
  private async tellAgents(by: string): Promise<{ confirmed: string[]; unconfirmed: string[] }> {
    const live = this.registry.live();
    if (live.length === 0) return { confirmed: [], unconfirmed: [] };
    const command = { kind: 'silences', silences: this.book.inForce(this.now()), by } as const;
    try {
      const gathered = await this.bus.toAll(command, live, { timeoutMs: this.options.gatherTimeoutMs, persistent: true });
      const confirmed = gathered.replies.filter((r) => r.kind === 'ack' && r.ok).map((r) => r.hostname);
      return { confirmed: confirmed.sort(), unconfirmed: live.filter((h) => !confirmed.includes(h)) };
    } catch (error) {
      if (error instanceof BusUnavailableError) return { confirmed: [], unconfirmed: live };
      throw error;
    }
  }
}
