/** Fakes for unit tests of the agent's decisions: a manual clock, an in-memory engine and prober. */
import type { Clock } from '../../shared/clock.js';
import type {
  AgentState,
  ContainerInfo,
  ContainerRuntime,
  EventHandlers,
  Log,
  Prober,
  ProbeResult,
  StateStore,
} from '../../agent/ports.js';

export class FakeClock implements Clock {
  private current = 1_000_000;
  private timers: { at: number; fn: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): () => void {
    const timer = { at: this.current + ms, fn, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves time forward, firing due timers in order. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      this.current = due.at;
      due.cancelled = true;
      due.fn();
    }
    this.current = target;
  }
}

export class FakeRuntime implements ContainerRuntime {
  readonly containers = new Map<string, ContainerInfo>();
  readonly calls: string[] = [];
  handlers: EventHandlers | null = null;
  /** Resolves pending starts/restarts when set to false; lets a test hold a heal in flight. */
  hold: Promise<void> | null = null;
  failInspect: Error | null = null;

  add(name: string, overrides: Partial<ContainerInfo> = {}): ContainerInfo {
    const info: ContainerInfo = {
      id: `id-${name}`,
      name,
      running: true,
      status: 'running',
      ip: `10.0.0.${this.containers.size + 2}`,
      startedAt: 't0',
      ...overrides,
    };
    this.containers.set(name, info);
    return info;
  }

  kill(name: string): void {
    const info = this.containers.get(name);
    if (info) Object.assign(info, { running: false, status: 'exited', ip: null });
  }

  /** Someone else restarts it (a user, a restart policy): a new start time. */
  restartedElsewhere(name: string): void {
    const info = this.containers.get(name);
    if (info) info.startedAt = `elsewhere-${Date.now()}-${Math.random()}`;
  }

  emit(action: string, name: string): void {
    this.handlers?.onEvent({ action, name, id: `id-${name}` });
  }

  /** While set, inspect never answers (a hung engine). */
  hangInspect = false;
  async inspect(name: string): Promise<ContainerInfo | null> {
    if (this.hangInspect) await new Promise(() => undefined);
    if (this.failInspect) throw this.failInspect;
    const info = this.containers.get(name);
    return info ? { ...info } : null;
  }

  async list(): Promise<ContainerInfo[]> {
    return [...this.containers.values()].map((c) => ({ ...c }));
  }

  async start(name: string): Promise<boolean> {
    this.calls.push(`start ${name}`);
    await this.hold;
    if (this.containers.get(name)?.running) return false;
    this.revive(name);
    return true;
  }

  async restart(name: string, stopTimeoutSec: number): Promise<void> {
    this.calls.push(`restart ${name} t=${stopTimeoutSec}`);
    await this.hold;
    this.revive(name);
  }

  async stop(name: string, stopTimeoutSec: number): Promise<void> {
    this.calls.push(`stop ${name} t=${stopTimeoutSec}`);
    await this.hold;
    this.kill(name);
  }

  watchEvents(handlers: EventHandlers): { close(): void } {
    this.handlers = handlers;
    return { close: () => (this.handlers = null) };
  }

  revive(name: string): void {
    const info = this.containers.get(name);
    if (!info) throw new Error(`no such container: ${name}`);
    Object.assign(info, {
      running: true,
      status: 'running',
      ip: info.ip ?? `10.0.1.${this.calls.length}`,
      startedAt: `t${this.calls.length}`,
    });
  }
}

export class FakeProber implements Prober {
  /** Loss percent by IP; unknown IPs answer fully. */
  readonly loss = new Map<string, number>();
  readonly probed: string[] = [];
  failure: Error | null = null;
  /** Lets a test keep probes pending. */
  gate: Promise<void> | null = null;

  readonly batches: string[][] = [];

  async probeAll(ips: readonly string[], count: number): Promise<Map<string, ProbeResult | Error>> {
    this.batches.push([...ips]);
    const results = await Promise.all(ips.map((ip) => this.probe(ip, count).catch((error: unknown) => error as Error)));
    return new Map(ips.map((ip, i) => [ip, results[i] as ProbeResult | Error]));
  }

  async probe(ip: string, count: number): Promise<ProbeResult> {
    this.probed.push(ip);
    await this.gate;
    if (this.failure) throw this.failure;
    const lossPercent = this.loss.get(ip) ?? 0;
    return {
      sent: count,
      received: Math.round((count * (100 - lossPercent)) / 100),
      lossPercent,
      rttMs: lossPercent === 100 ? null : 0.05,
    };
  }
}

export class MemoryStore implements StateStore {
  saved: AgentState | null = null;
  failSave: Error | null = null;
  saves = 0;

  async load(): Promise<AgentState | null> {
    return this.saved;
  }

  async save(state: AgentState): Promise<void> {
    if (this.failSave) throw this.failSave;
    this.saves += 1;
    this.saved = structuredClone(state);
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  fields: Record<string, unknown>;
}

export class RecordingLog implements Log {
  readonly lines: LogLine[] = [];
  info(message: string, fields: object = {}): void {
    this.lines.push({ level: 'info', message, fields: fields as Record<string, unknown> });
  }
  warn(message: string, fields: object = {}): void {
    this.lines.push({ level: 'warn', message, fields: fields as Record<string, unknown> });
  }
  error(message: string, fields: object = {}): void {
    this.lines.push({ level: 'error', message, fields: fields as Record<string, unknown> });
  }
  of(container: string, kind?: string): LogLine[] {
    return this.lines.filter((l) => l.fields['container'] === container && (!kind || l.fields['kind'] === kind));
  }
}

/**
 * Lets queued promise callbacks run (fakes resolve on the microtask queue). Enough before a
 * positive assertion (it fails if not); before an assertion that something did NOT happen, use
 * settleUntil with the sign that the code got where it would have happened.
 */
export async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Runs queued callbacks until `reached()` holds, then a few turns more; fails naming `what` if it
 * never does. A negative assertion after it cannot pass vacuously: the code demonstrably got to
 * the point where the thing it must not do would have been done.
 */
export async function settleUntil(what: string, reached: () => boolean): Promise<void> {
  for (let turn = 0; !reached(); turn++) {
    if (turn > 2000) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
}
