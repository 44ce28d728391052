/**
 * The agent's check loop and event reactions. It owns the monitored list, the threshold and the
 * restart guard; everything it touches outside (Docker, ping, the state file, the clock, the log)
 * comes through the ports, so it runs the same against fakes and the real engine.
 */
import { mapWithConcurrency } from '../shared/concurrency.js';
import type { Clock } from '../shared/clock.js';
import { judgeContainer, judgeProbe, type Verdict } from './decide.js';
import type { AgentState, ContainerRuntime, Log, Prober, ProbeResult, RuntimeEvent, StateStore } from './ports.js';
import { RestartGuard, type RestartPolicy } from './restart-guard.js';

export interface WatchdogOptions {
  checkIntervalMs: number;
  pingCount: number;
  /** At most this many containers are inspected at once (the ping prober has the same bound). */
  concurrency: number;
  /** Grace period for a restart's stop; a lossy container is alive, so it is kept short. */
  stopTimeoutSec: number;
  restartPolicy: RestartPolicy;
}

export interface WatchdogDeps {
  runtime: ContainerRuntime;
  prober: Prober;
  store: StateStore;
  clock: Clock;
  log: Log;
}

export interface CycleReport {
  checked: number;
  durationMs: number;
  overran: boolean;
}

type HealAction = 'start' | 'restart';

export class Watchdog {
  private state: AgentState;
  private readonly guard: RestartGuard;
  /** Containers with a start or restart of ours under way: their events are our own doing. */
  private readonly healing = new Map<string, Promise<void>>();
  /** Containers that got a die event while we were healing them: look again afterwards. */
  private readonly recheck = new Set<string>();
  private cycle: Promise<CycleReport> | null = null;
  private mutation: Promise<unknown> = Promise.resolve();
  private cancelTimer: (() => void) | null = null;
  private events: { close(): void } | null = null;
  private running = false;

  constructor(
    private readonly deps: WatchdogDeps,
    private readonly options: WatchdogOptions,
    initial: AgentState,
  ) {
    this.state = { monitored: [...new Set(initial.monitored)], threshold: initial.threshold };
    this.guard = new RestartGuard(options.restartPolicy);
  }

  get snapshot(): AgentState {
    return { monitored: [...this.state.monitored], threshold: this.state.threshold };
  }

  private isMonitored(name: string): boolean {
    return this.state.monitored.includes(name);
  }

  /** The end of the container's restart backoff, or null when it is not in backoff. */
  backoffUntil(name: string): number | null {
    return this.guard.backoffUntil(name, this.deps.clock.now());
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.events = this.deps.runtime.watchEvents({
      onEvent: (event) => this.onEvent(event),
      onReconnect: () => this.reconcile('event stream reconnected'),
      onError: (error) => this.deps.log.warn(`docker event stream: ${error.message}`, { kind: 'engine' }),
    });
    this.scheduleCycle(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.cancelTimer?.();
    this.events?.close();
    await this.cycle;
    await Promise.all(this.healing.values());
  }

  /** One pass over a snapshot of the monitored list. Calls during a cycle join it: cycles never overlap. */
  runCycle(): Promise<CycleReport> {
    this.cycle ??= this.checkAll().finally(() => {
      this.cycle = null;
    });
    return this.cycle;
  }

  /** Changes take effect from the next cycle; the state file is written before the change is applied. */
  setThreshold(threshold: number): Promise<AgentState> {
    return this.mutate((state) => ({ ...state, threshold }));
  }

  /** Unmonitoring also forgets the container's restart history: monitored again, it starts afresh. */
  async setMonitored(name: string, monitored: boolean): Promise<AgentState> {
    const state = await this.mutate((current) => {
      const others = current.monitored.filter((n) => n !== name);
      return { ...current, monitored: monitored ? [...others, name] : others };
    });
    if (!monitored) this.guard.forget(name);
    return state;
  }

  private mutate(change: (state: AgentState) => AgentState): Promise<AgentState> {
    const apply = async (): Promise<AgentState> => {
      const next = change(this.state);
      await this.deps.store.save(next);
      this.state = next;
      return this.snapshot;
    };
    const result = this.mutation.then(apply, apply);
    this.mutation = result.catch(() => undefined);
    return result;
  }

  private scheduleCycle(delayMs: number): void {
    if (!this.running) return;
    this.cancelTimer = this.deps.clock.setTimeout(() => {
      this.runCycle()
        .then((report) => this.scheduleCycle(Math.max(0, this.options.checkIntervalMs - report.durationMs)))
        .catch((error: unknown) => {
          this.deps.log.error(`check cycle failed: ${String(error)}`, { kind: 'cycle' });
          this.scheduleCycle(this.options.checkIntervalMs);
        });
    }, delayMs);
  }

  /**
   * A cycle in three steps: ask Docker about every monitored container (at most `concurrency` at
   * once) and start the ones that are down; probe all running ones in one batch; judge each probe.
   */
  private async checkAll(): Promise<CycleReport> {
    const { monitored, threshold } = this.state;
    const started = this.deps.clock.now();
    const heals: Promise<void>[] = [];
    const running: { name: string; ip: string; startedAt: string }[] = [];
    await mapWithConcurrency(monitored, this.options.concurrency, async (name) => {
      const found = await this.look(name);
      if (found?.verdict.action === 'probe') running.push({ name, ip: found.verdict.ip, startedAt: found.startedAt });
      else if (found?.verdict.action === 'start') heals.push(this.heal(name, 'start', found.verdict.reason, 'check'));
    });
    if (running.length > 0) {
      const probes = await this.probeAll(running.map((r) => r.ip));
      await Promise.all(running.map((r) => this.judge(r.name, r.ip, r.startedAt, probes.get(r.ip), threshold)));
    }
    await Promise.all(heals);
    const durationMs = this.deps.clock.now() - started;
    const overran = durationMs > this.options.checkIntervalMs;
    const fields = { kind: 'cycle', checked: monitored.length, probed: running.length, durationMs, intervalMs: this.options.checkIntervalMs, overran };
    if (overran) {
      this.deps.log.warn(`cycle took ${durationMs} ms, longer than the ${this.options.checkIntervalMs} ms interval; the next one starts now`, fields);
    } else {
      this.deps.log.info(`cycle checked ${monitored.length} container(s) in ${durationMs} ms`, fields);
    }
    return { checked: monitored.length, durationMs, overran };
  }

  /** What Docker says about one container, logged unless it is running (its probe is logged then). */
  private async look(name: string): Promise<{ verdict: Verdict; startedAt: string } | null> {
    if (this.healing.has(name)) {
      this.logCheck(name, 'healing', 'a start or restart is under way');
      return null;
    }
    try {
      const container = await this.deps.runtime.inspect(name);
      const verdict = judgeContainer(container);
      if (verdict.action !== 'probe') this.logCheck(name, verdict.verdict, reasonOf(verdict));
      return { verdict, startedAt: container?.startedAt ?? '' };
    } catch (error) {
      this.logError(name, error);
      return null;
    }
  }

  private async probeAll(ips: string[]): Promise<Map<string, ProbeResult | Error>> {
    try {
      return await this.deps.prober.probeAll(ips, this.options.pingCount);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      return new Map(ips.map((ip) => [ip, failed]));
    }
  }

  private async judge(name: string, ip: string, startedAt: string, probe: ProbeResult | Error | undefined, threshold: number): Promise<void> {
    try {
      if (!probe || probe instanceof Error) throw probe ?? new Error(`no probe result for ${ip}`);
      const judged = judgeProbe(probe, threshold);
      const measured = { lossPercent: probe.lossPercent, rttMs: probe.rttMs, ip };
      if (judged.action === 'restart' && (await this.restartedSince(name, startedAt))) {
        // Replies lost while it was down and coming back say nothing about the new instance.
        this.logCheck(name, 'changed', `${reasonOf(judged)}, but it was restarted during the probe; judged afresh next cycle`, measured);
        return;
      }
      this.logCheck(name, judged.verdict, reasonOf(judged), measured);
      if (judged.action === 'restart') await this.heal(name, 'restart', reasonOf(judged), 'check');
    } catch (error) {
      this.logError(name, error);
    }
  }

  private logError(name: string, error: unknown): void {
    this.deps.log.error(`${name}: check failed: ${errorMessage(error)}`, { kind: 'check', container: name, verdict: 'error', reason: errorMessage(error) });
  }

  private async restartedSince(name: string, startedAt: string): Promise<boolean> {
    if (this.healing.has(name)) return true;
    const now = await this.deps.runtime.inspect(name);
    return !now?.running || now.startedAt !== startedAt;
  }

  private onEvent(event: RuntimeEvent): void {
    if (!this.isMonitored(event.name)) return;
    if (event.action === 'die') {
      void this.ensureRunning(event.name, 'event: die');
    } else if (event.action === 'health_status: unhealthy') {
      void this.heal(event.name, 'restart', 'health check reports unhealthy', 'event: unhealthy');
    }
  }

  private reconcile(why: string): void {
    this.deps.log.info(`reconciling monitored containers: ${why}`, { kind: 'engine' });
    for (const name of this.state.monitored) void this.ensureRunning(name, `reconcile: ${why}`);
  }

  /** Starts the container if it is not running. Our own restarts make it run again, so they are ignored here. */
  private async ensureRunning(name: string, trigger: string): Promise<void> {
    if (this.healing.has(name)) {
      this.recheck.add(name);
      return;
    }
    try {
      const found = judgeContainer(await this.deps.runtime.inspect(name));
      if (found.action === 'start') await this.heal(name, 'start', found.reason, trigger);
    } catch (error) {
      this.deps.log.error(`${name}: could not inspect after ${trigger}: ${errorMessage(error)}`, { kind: 'action', container: name, trigger });
    }
  }

  private async heal(name: string, action: HealAction, reason: string, trigger: string): Promise<void> {
    if (this.healing.has(name)) return;
    const now = this.deps.clock.now();
    const admission = this.guard.admit(name, now);
    const fields = { kind: 'action', container: name, action, reason, trigger };
    if (!admission.admitted) {
      const until = new Date(admission.until).toISOString();
      const message = admission.enteredBackoff
        ? `${name}: too many restarts (${this.options.restartPolicy.maxRestarts} in ${this.options.restartPolicy.windowMs} ms); backing off ${admission.backoffMs} ms, until ${until}`
        : `${name}: ${action} held back, in backoff until ${until}`;
      this.deps.log.warn(message, { ...fields, outcome: 'backoff', until, backoffMs: admission.backoffMs });
      return;
    }
    const work = (async () => {
      try {
        let done = true;
        if (action === 'start') done = await this.deps.runtime.start(name);
        else await this.deps.runtime.restart(name, this.options.stopTimeoutSec);
        const durationMs = this.deps.clock.now() - now;
        if (done) this.deps.log.info(`${name}: ${action}ed in ${durationMs} ms (${trigger}: ${reason})`, { ...fields, outcome: 'ok', durationMs });
        else this.deps.log.info(`${name}: already running again, nothing to do (${trigger}: ${reason})`, { ...fields, outcome: 'already-running', durationMs });
      } catch (error) {
        this.deps.log.error(`${name}: ${action} failed: ${errorMessage(error)}`, { ...fields, outcome: 'failed', error: errorMessage(error), durationMs: this.deps.clock.now() - now });
      }
    })();
    this.healing.set(name, work);
    try {
      await work;
    } finally {
      this.healing.delete(name);
      if (this.recheck.delete(name)) void this.ensureRunning(name, 'recheck: died while being healed');
    }
  }

  private logCheck(name: string, verdict: string, reason: string, extra: object = {}): void {
    this.deps.log.info(`${name}: ${verdict} (${reason})`, { kind: 'check', container: name, verdict, reason, ...extra });
  }
}

function reasonOf(verdict: Verdict): string {
  return 'reason' in verdict ? verdict.reason : '';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
