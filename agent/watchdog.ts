/**
 * The agent's watchdog: every interval, a check cycle over the monitored containers, and between
 * cycles, reactions to engine events. It composes the parts that each own one thing: the watch
 * list (what is monitored, the threshold), the scheduler (when cycles run), the healer (starts
 * and restarts, within the restart budget) and the decisions in decide.ts. Everything outside
 * (Docker, ping, the state file, the clock, the log) comes through the ports, so it runs the same
 * against fakes and the real engine.
 */
import type { Clock } from '../shared/clock.js';
import { errorMessage } from '../shared/errors.js';
import { mapWithConcurrency } from './concurrency.js';
import { ContainerResults, type ContainerResult } from './container-results.js';
import { confirmSameInstance, judgeContainer, judgeProbe, reactToEvent, reasonOf, type Verdict } from './judging/decide.js';
import type { LoopProber, ProbeSink } from './probing/fping-loop.js';
import { Healer, type HealPolicy } from './healing/healer.js';
import { ContainerLabels } from './policy/container-labels.js';
import { effectivePolicy, healMode, isMonitored, type EffectivePolicy, type Policy } from './policy/policy.js';
import { LossMonitor, type Verdict as LossVerdict, type Watched } from './judging/loss-monitor.js';
import { HostGuard, type HostChange } from './healing/host-guard.js';
import { DEFAULT_PATH_RULE, type PathEvidence, type PathRule } from './judging/host-path.js';
import { describeExplanation, type LossTestSettings } from './judging/loss-test.js';
import type {
  AgentState,
  ContainerInfo,
  ContainerRuntime,
  InventoryView,
  Log,
  Prober,
  ProbeResult,
  RuntimeEvent,
  StateStore,
  StatsSource,
} from './ports.js';
import type { RestartPolicy } from './healing/restart-guard.js';
import { Scheduler } from './scheduler.js';
import { WatchList } from './policy/watch-list.js';

export interface WatchdogOptions {
  checkIntervalMs: number;
  pingCount: number;
  /** At most this many containers are inspected at once (the ping prober has the same bound). */
  concurrency: number;
  /** Grace period for a restart's stop; a lossy container is alive, so it is kept short. */
  stopTimeoutSec: number;
  restartPolicy: RestartPolicy;
  /** Restarts in flight at once on this host (RESTART_CONCURRENCY); the rest wait their turn, oldest first. Starts never wait. */
  restartConcurrency?: number;
  /** A container of the host's that shares the monitored ones' path and is never faulty itself (PATH_CANARY); probed, never healed. */
  pathCanary?: string;
  /** When the host's path counts as broken (host-path.ts). */
  pathRule?: PathRule;
  /** Loss restarts allowed on the host within restartPolicy.windowMs before they pause (HOST_RESTART_LIMIT); unset: no host budget. */
  hostRestartLimit?: number;
  /**
   * With an inventory: every this often a cycle lists the host afresh and inspects every monitored
   * container (a resync that corrects any missed event); the cycles between take them from the
   * inventory. 0: every cycle inspects every monitored container.
   */
  resyncMs?: number;
  /** DRY_RUN: observe only, whatever the API says. */
  dryRun?: boolean;
}

export interface WatchdogDeps {
  runtime: ContainerRuntime;
  prober: Prober;
  store: StateStore;
  clock: Clock;
  log: Log;
  /** Where CPU, memory and network counters come from; without it, none are measured. */
  stats?: StatsSource;
  /**
   * The event-fed inventory: the cycle and the verdicts take containers from it instead of one
   * inspect each. Without it, every cycle inspects every monitored container.
   */
  inventory?: InventoryView;
  /**
   * The sequential verdict: probing never stops, and a verdict comes when the evidence is enough,
   * not when the cycle comes. Without it, the classic verdict: PING_COUNT pings per cycle.
   */
  continuous?: {
    settings: Omit<LossTestSettings, 'threshold'>;
    prober: (sink: ProbeSink) => LoopProber;
  };
}

export interface CycleReport {
  checked: number;
  probed: number;
  durationMs: number;
  overran: boolean;
}

/** A running container found by a cycle, to be probed: its address and which instance it is. */
interface Probed {
  name: string;
  id: string;
  pid: number | undefined;
  ip: string;
  startedAt: string;
}

export class Watchdog {
  private readonly watchList: WatchList;
  private readonly healer: Healer;
  private readonly scheduler: Scheduler<CycleReport>;
  private events: { close(): void } | null = null;
  /** The latest probe, resource sample and heals per container. */
  readonly results = new ContainerResults();
  private readonly cycleListeners: ((report: CycleReport) => void)[] = [];
  private readonly deathListeners: ((event: RuntimeEvent) => void)[] = [];
  private readonly lossMonitor: LossMonitor | null = null;
  /** The last sequential verdict per container, to log only changes and restarts. */
  private readonly lastDecision = new Map<string, string>();
  private lastResync = -Infinity;
  private gaps = 0;
  /** The host's path and its budget of loss restarts, asked before every loss restart. */
  private readonly hostGuard: HostGuard;
  /** What each container's `watchdog.*` labels say, and its own StopTimeout, as last seen. */
  private readonly labels: ContainerLabels;
  private readonly labelListeners: ((name: string, problems: string[]) => void)[] = [];

  constructor(
    private readonly deps: WatchdogDeps,
    private readonly options: WatchdogOptions,
    initial: AgentState,
  ) {
    this.watchList = new WatchList(deps.store, initial);
    this.hostGuard = new HostGuard(
      deps.clock,
      deps.log,
      options.pathRule ?? DEFAULT_PATH_RULE,
      options.hostRestartLimit ?? Infinity,
      options.restartPolicy.windowMs,
    );
    this.labels = new ContainerLabels((name, problems) => {
      deps.log.warn(`${name}: wrong watchdog labels, ignored (the host's defaults apply instead): ${problems.join('; ')}`, {
        kind: 'label',
        container: name,
        problems,
      });
      for (const listener of this.labelListeners) listener(name, problems);
    });
    this.healer = new Healer(
      deps.runtime,
      deps.clock,
      deps.log,
      options,
      (heal) => this.results.recordHeal(heal),
      (name) => this.healPolicy(name),
      {
        ...(initial.restartBudgets ? { saved: initial.restartBudgets } : {}),
        // Saved before the heal is ordered, so that an agent killed during a restart storm does not start the storm over.
        // A save that fails (a full disk) does not stop the heal: the budget still holds while this agent runs.
        changed: (budgets) =>
          this.watchList.setRestartBudgets(budgets).then(
            () => undefined,
            (error: unknown) =>
              deps.log.error(
                `restart budgets not saved (healing goes on; a restarted agent would not know these restarts): ${errorMessage(error)}`,
                { kind: 'agent' },
              ),
          ),
      },
    );
    this.scheduler = new Scheduler(
      deps.clock,
      options.checkIntervalMs,
      () => this.checkAll(),
      (error) => deps.log.error(`check cycle failed: ${String(error)}`, { kind: 'cycle' }),
    );
    if (deps.continuous) {
      const { settings, prober } = deps.continuous;
      const loop = prober({
        outcome: (outcome) => this.lossMonitor?.outcome(outcome),
        gap: (gap) => {
          this.gaps += gap.probes;
          this.lossMonitor?.gap(gap);
        },
        hint: (ip) => this.lossMonitor?.hint(ip),
        error: (message) => deps.log.warn(`continuous probing: ${message}`, { kind: 'probe' }),
        info: (message) => deps.log.info(`continuous probing: ${message}`, { kind: 'probe' }),
      });
      this.lossMonitor = new LossMonitor(
        settings,
        (name) => this.thresholdOf(name),
        deps.clock,
        loop,
        (verdict) => void this.onVerdict(verdict),
      );
    }
  }

  /** Told when the host's path to its containers breaks or is whole again, and when its budget of loss restarts is spent or has room again. */
  onHostChange(listener: (change: HostChange, at: number) => void): void {
    this.hostGuard.onChange(listener);
  }

  /** Whether loss restarts are held because the host's own path looks broken. */
  get hostPathBroken(): boolean {
    return this.hostGuard.pathBroken;
  }

  /** Probes that were no evidence since the agent started (the prober did not hear their round). */
  get probeGaps(): number {
    return this.gaps;
  }

  get snapshot(): AgentState {
    return this.watchList.snapshot;
  }

  /** The end of the container's restart backoff, or null when it is not in backoff. */
  backoffUntil(name: string): number | null {
    return this.healer.backoffUntil(name);
  }

  /** Observe-only: DRY_RUN, or switched on through the API. */
  get dryRun(): boolean {
    return this.options.dryRun === true || this.watchList.dryRun;
  }

  /** Monitored by the API's word, else by its `watchdog.monitor` label. `container`: what is known of it now (its labels). */
  isMonitored(name: string, container?: ContainerInfo | null): boolean {
    if (container) this.labels.see(container);
    return isMonitored(this.watchList.apiSaid(name), this.labels.get(name)?.monitor);
  }

  /** Every monitored name: those the API monitored and those labelled `watchdog.monitor=true` that the API did not unmonitor. */
  monitoredNames(): string[] {
    const names = new Set(this.watchList.snapshot.monitored);
    for (const name of this.labels.monitorLabelled()) if (this.watchList.apiSaid(name) !== false) names.add(name);
    return [...names];
  }

  /** What applies to a container now, each value with its source; and its labels' problems. */
  policyOf(name: string): { effective: EffectivePolicy; api: Policy; labelProblems: string[] } {
    const label = this.labels.get(name);
    const host = {
      threshold: this.watchList.threshold,
      stopTimeoutSec: this.options.stopTimeoutSec,
      restartLimit: this.options.restartPolicy.maxRestarts,
    };
    const api = this.watchList.policyOf(name);
    return {
      effective: effectivePolicy(api, label?.policy ?? {}, label?.stopTimeoutSec, host),
      api: { ...api },
      labelProblems: label?.problems ?? [],
    };
  }

  /** Saved before it applies; applies at once (the next probe, the next heal). */
  setPolicy(name: string, policy: Policy): Promise<AgentState> {
    return this.watchList.setPolicy(name, policy);
  }

  /** Switched on, confirmed only once no heal ordered before it is still under way: from then on, nothing is touched. */
  async setDryRun(dryRun: boolean): Promise<AgentState> {
    const state = await this.watchList.setDryRun(dryRun);
    if (dryRun) await this.healer.settled();
    return state;
  }

  /** Told once per container and problem when its `watchdog.*` labels have wrong values. */
  onLabelProblems(listener: (name: string, problems: string[]) => void): void {
    this.labelListeners.push(listener);
  }

  start(): void {
    if (this.events) return;
    this.events = this.deps.runtime.watchEvents({
      onEvent: (event) => this.onEvent(event),
      onReconnect: () => this.reconcile('event stream reconnected'),
      onError: (error) => this.deps.log.warn(`docker event stream: ${error.message}`, { kind: 'engine' }),
    });
    this.scheduler.start();
  }

  async stop(): Promise<void> {
    this.lossMonitor?.close();
    this.events?.close();
    this.events = null;
    await this.scheduler.stop();
    await this.healer.settled();
  }

  /** One pass over a snapshot of the monitored list. Calls during a cycle join it: cycles never overlap. */
  runCycle(): Promise<CycleReport> {
    return this.scheduler.run();
  }

  /** Saved before it is applied; applies to every probe judged after it (containers with a threshold of their own keep it). */
  setThreshold(threshold: number): Promise<AgentState> {
    return this.watchList.setThreshold(threshold);
  }

  /** Unmonitoring also forgets the container's restart history and results: monitored again, it starts afresh. */
  async setMonitored(name: string, monitored: boolean): Promise<AgentState> {
    const state = await this.watchList.setMonitored(name, monitored);
    if (!monitored) this.forgetResults(name);
    return state;
  }

  private forgetResults(name: string): void {
    this.healer.forget(name);
    this.results.forget(name);
    this.lossMonitor?.forget(name);
    this.lastDecision.delete(name);
  }

  /** The latest results of a container (probe, resource use, heals); undefined before its first. */
  resultOf(name: string): Readonly<ContainerResult> | undefined {
    return this.results.get(name, this.deps.clock.now());
  }

  /** Told when a monitored container dies (the engine's die event) other than by the watchdog's own restart, before it is healed. */
  onDeath(listener: (event: RuntimeEvent) => void): void {
    this.deathListeners.push(listener);
  }

  onCycle(listener: (report: CycleReport) => void): void {
    this.cycleListeners.push(listener);
  }

  /**
   * A cycle in three steps: ask Docker about every monitored container (at most `concurrency` at
   * once) and start the ones that are down; probe all running ones in one batch; judge each probe.
   */
  private async checkAll(): Promise<CycleReport> {
    const started = this.deps.clock.now();
    const heals: Promise<void>[] = [];
    const running: Probed[] = [];
    const fromInventory = await this.inventoryForCycle(started);
    await this.readLabels(fromInventory);
    const monitored = this.monitoredNames();
    await mapWithConcurrency(monitored, this.options.concurrency, async (name) => {
      const found = await this.look(name, fromInventory);
      if (found?.verdict.action === 'probe')
        running.push({ name, id: found.id, pid: found.pid, ip: found.verdict.ip, startedAt: found.startedAt });
      else if (found?.verdict.action === 'start') heals.push(this.healer.heal(name, 'start', found.verdict.reason, 'check'));
    });
    if (this.lossMonitor) {
      // Sequential verdict: the cycle only tells the monitor which instances run where; probing goes on between cycles.
      const canary = await this.pathCanary(fromInventory);
      this.lossMonitor.watch([
        ...running.map((r): Watched => ({ name: r.name, ip: r.ip, startedAt: r.startedAt })),
        ...(canary ? [canary] : []),
      ]);
      this.hostGuard.assessPath(this.pathEvidence());
      await this.sampleAll(running);
    } else if (running.length > 0) {
      // Resource samples are taken while the probes run: they never delay a verdict.
      const [probes] = await Promise.all([this.probeAll(running.map((r) => r.ip)), this.sampleAll(running)]);
      await Promise.all(running.map((r) => this.judge(r, probes.get(r.ip), this.thresholdOf(r.name))));
    }
    await Promise.all(heals);
    return this.report(monitored.length, running.length, this.deps.clock.now() - started);
  }

  /** The path canary where it runs, to be probed beside the monitored containers; null without one. */
  private async pathCanary(fromInventory: boolean): Promise<Watched | null> {
    const name = this.options.pathCanary;
    if (!name || this.isMonitored(name)) return null;
    try {
      const found = await this.current(name, fromInventory);
      return found?.running && found.ip ? { name, ip: found.ip, startedAt: found.startedAt } : null;
    } catch {
      return null;
    }
  }

  /** What the probes say of the host's path now. */
  private pathEvidence(): PathEvidence {
    return this.lossMonitor?.pathEvidence(this.options.pathCanary ?? null) ?? { probed: 0, suspicious: 0, canary: 'none' };
  }

  /** Whether this cycle takes containers from the inventory; false on a resync cycle (or with none). */
  private async inventoryForCycle(now: number): Promise<boolean> {
    const inventory = this.deps.inventory;
    const resyncMs = this.options.resyncMs ?? 0;
    if (!inventory || resyncMs <= 0) return false;
    const resync = now - this.lastResync >= resyncMs;
    try {
      await inventory.load(resync);
    } catch (error) {
      this.deps.log.warn(`inventory: could not list the host's containers: ${errorMessage(error)}; inspecting each`, { kind: 'engine' });
      return false;
    }
    if (resync) this.lastResync = now;
    return !resync;
  }

  /**
   * Every container's labels, from the inventory (or one listing of the host when there is none),
   * so a container labelled `watchdog.monitor=true` is monitored from the first cycle after it
   * appears, if no event told of it before. A failed listing is logged; the cycle goes on with what it knew.
   */
  private async readLabels(fromInventory: boolean): Promise<void> {
    try {
      this.labels.seeAll(fromInventory && this.deps.inventory ? await this.deps.inventory.list() : await this.deps.runtime.list());
    } catch (error) {
      this.deps.log.warn(`could not list the host's containers for their labels: ${errorMessage(error)}`, { kind: 'engine' });
    }
  }

  private thresholdOf(name: string): number {
    return this.policyOf(name).effective.threshold.value;
  }

  private healPolicy(name: string): HealPolicy {
    const { effective } = this.policyOf(name);
    return {
      stopTimeoutSec: effective.stopTimeoutSec.value,
      restartLimit: effective.restartLimit.value,
      mode: healMode(effective.action.value, this.dryRun),
    };
  }

  /** What Docker says about one container, logged unless it is running (its probe is logged then). */
  private async look(
    name: string,
    fromInventory: boolean,
  ): Promise<{ verdict: Verdict; id: string; pid: number | undefined; startedAt: string } | null> {
    try {
      const healing = this.healer.isHealing(name);
      const container = healing ? null : await this.current(name, fromInventory);
      const verdict = judgeContainer(container, healing);
      if (verdict.action !== 'probe') this.logCheck(name, verdict.verdict, reasonOf(verdict));
      return { verdict, id: container?.id ?? '', pid: container?.pid, startedAt: container?.startedAt ?? '' };
    } catch (error) {
      this.logError(name, error);
      return null;
    }
  }

  /** The container from the inventory when it can say, else from the engine (and the inventory is told). */
  private async current(name: string, fromInventory: boolean): Promise<ContainerInfo | null> {
    const cached = fromInventory ? this.deps.inventory?.lookup(name) : undefined;
    if (cached) this.labels.see(cached);
    if (cached !== undefined) return cached;
    const found = await this.deps.runtime.inspect(name);
    this.deps.inventory?.remember(name, found);
    if (found) this.labels.see(found);
    return found;
  }

  private async probeAll(ips: string[]): Promise<Map<string, ProbeResult | Error>> {
    try {
      return await this.deps.prober.probeAll(ips, this.options.pingCount);
    } catch (error) {
      const failed = error instanceof Error ? error : new Error(String(error));
      return new Map(ips.map((ip) => [ip, failed]));
    }
  }

  /** CPU, memory and network of the running containers, into the results cache; a failure is logged once per cycle. */
  private async sampleAll(running: Probed[]): Promise<void> {
    const stats = this.deps.stats;
    if (!stats) return;
    try {
      const samples = await stats.sample(running);
      const at = this.deps.clock.now();
      const failed: string[] = [];
      for (const [name, sample] of samples) {
        if (sample instanceof Error) failed.push(`${name} (${sample.message})`);
        else this.results.recordSample(name, sample, at);
      }
      if (failed.length > 0)
        this.deps.log.warn(
          `resource use not measured for ${failed.length} container(s) with ${stats.name}: ${failed.slice(0, 3).join(', ')}`,
          { kind: 'stats', source: stats.name },
        );
    } catch (error) {
      this.deps.log.warn(`resource use not measured: ${errorMessage(error)}`, { kind: 'stats', source: stats.name });
    }
  }

  private async judge({ name, ip, startedAt }: Probed, probe: ProbeResult | Error | undefined, threshold: number): Promise<void> {
    try {
      if (!probe || probe instanceof Error) throw probe ?? new Error(`no probe result for ${ip}`);
      let judged = judgeProbe(probe, threshold);
      if (judged.action === 'restart') {
        const healing = this.healer.isHealing(name);
        judged = confirmSameInstance(judged, startedAt, healing ? null : await this.deps.runtime.inspect(name), healing);
      }
      this.results.recordProbe(name, probe, judged.verdict, this.deps.clock.now(), reasonOf(judged));
      this.logCheck(name, judged.verdict, reasonOf(judged), { lossPercent: probe.lossPercent, rttMs: probe.rttMs, ip });
      if (judged.action === 'restart') await this.healer.heal(name, 'restart', reasonOf(judged), 'check');
    } catch (error) {
      this.logError(name, error);
    }
  }

  /** A sequential verdict: recorded and explained; a lossy one restarts the instance it was about. */
  private async onVerdict(v: LossVerdict): Promise<void> {
    const { name, explanation: e } = v;
    if (name === this.options.pathCanary && !this.isMonitored(name)) {
      if (v.decision === 'lossy')
        this.deps.log.warn(`path canary ${name}: ${describeExplanation(e)}`, { kind: 'host-network', container: name });
      return this.hostGuard.assessPath(this.pathEvidence());
    }
    const threshold = this.thresholdOf(name);
    const reason = `${describeExplanation(e)}: ${v.decision === 'lossy' ? 'over' : 'within'} threshold ${threshold}%`;
    const now = this.deps.clock.now();
    const lost = Math.round((e.lossPercent / 100) * e.probes);
    this.results.recordProbe(
      name,
      {
        sent: e.probes,
        received: e.probes - lost,
        lossPercent: e.lossPercent,
        rttMs: v.rtt?.mean ?? null,
        rttMinMs: v.rtt?.min ?? null,
        rttMaxMs: v.rtt?.max ?? null,
      },
      v.decision,
      now,
      reason,
    );
    this.results.recordVerdictDetail(name, {
      rule: e.rule,
      lossLowPercent: e.low,
      lossHighPercent: e.high,
      probes: e.probes,
      decidedInMs: e.decidedInMs,
    });
    const changed = this.lastDecision.get(name) !== v.decision;
    this.lastDecision.set(name, v.decision);
    if (changed || v.decision === 'lossy') {
      this.logCheck(name, v.decision, reason, {
        lossPercent: e.lossPercent,
        lossLowPercent: e.low,
        lossHighPercent: e.high,
        probes: e.probes,
        decidedInMs: e.decidedInMs,
        rule: e.rule,
        rttMs: v.rtt?.mean ?? null,
      });
    }
    if (v.decision !== 'lossy') return;
    try {
      const healing = this.healer.isHealing(name);
      // From the inventory when it can say (no engine call during a restart storm), else from the engine.
      const judged = confirmSameInstance(
        { verdict: 'lossy', action: 'restart', reason },
        v.startedAt,
        healing ? null : await this.current(name, true),
        healing,
      );
      if (judged.action !== 'restart') {
        this.lossMonitor?.forget(name);
        this.logCheck(name, judged.verdict, reasonOf(judged));
        return;
      }
      // The host before the containers: a held restart stays judged lossy until the container is watched afresh.
      if (!this.hostGuard.admitLossRestart(name, reason, this.pathEvidence(), this.healer.backoffUntil(name) !== null)) return;
      this.lossMonitor?.forget(name);
      await this.healer.heal(name, 'restart', reason, 'verdict');
      // Watch the new instance now rather than at the next cycle.
      const after = await this.deps.runtime.inspect(name);
      if (after?.running && after.ip && this.isMonitored(name, after))
        this.lossMonitor?.watchOne({ name, ip: after.ip, startedAt: after.startedAt });
    } catch (error) {
      this.logError(name, error);
    }
  }

  private onEvent(event: RuntimeEvent): void {
    this.labels.seeEvent(event);
    const monitored = this.isMonitored(event.name);
    const reaction = reactToEvent(event, monitored);
    // A dead instance has no loss verdict to give: its probes go unanswered because it is gone.
    if (event.action === 'die') this.lossMonitor?.forget(event.name);
    // A die during the watchdog's own restart is that restart, not a death to report.
    if (event.action === 'die' && monitored && !this.healer.isHealing(event.name))
      for (const listener of this.deathListeners) listener(event);
    if (reaction.react === 'ensure-running') void this.healer.ensureRunning(event.name, reaction.trigger);
    else if (reaction.react === 'restart') void this.healer.heal(event.name, 'restart', reaction.reason, reaction.trigger);
  }

  private reconcile(why: string): void {
    this.deps.log.info(`reconciling monitored containers: ${why}`, { kind: 'engine' });
    for (const name of this.monitoredNames()) void this.healer.ensureRunning(name, `reconcile: ${why}`);
  }

  private report(checked: number, probed: number, durationMs: number): CycleReport {
    const intervalMs = this.options.checkIntervalMs;
    const overran = durationMs > intervalMs;
    const fields = { kind: 'cycle', checked, probed, durationMs, intervalMs, overran };
    if (overran)
      this.deps.log.warn(`cycle took ${durationMs} ms, longer than the ${intervalMs} ms interval; the next one starts now`, fields);
    else this.deps.log.info(`cycle checked ${checked} container(s) in ${durationMs} ms`, fields);
    const report = { checked, probed, durationMs, overran };
    for (const listener of this.cycleListeners) listener(report);
    return report;
  }

  private logCheck(name: string, verdict: string, reason: string, extra: object = {}): void {
    this.deps.log.info(`${name}: ${verdict} (${reason})`, { kind: 'check', container: name, verdict, reason, ...extra });
  }

  private logError(name: string, error: unknown): void {
    this.deps.log.error(`${name}: check failed: ${errorMessage(error)}`, {
      kind: 'check',
      container: name,
      verdict: 'error',
      reason: errorMessage(error),
    });
  }
}
