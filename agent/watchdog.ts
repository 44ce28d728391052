/**
 * The agent's watchdog: every interval, a check cycle over the monitored containers, and between
 * cycles, reactions to engine events. It composes the parts that each own one thing: the watch
 * list and the policies (what is monitored and how), the scheduler (when cycles run), the healer
 * (starts and restarts, within the restart budget), the verdict strategy (how loss becomes a
 * verdict) and the decisions in judging/decide.ts. Everything outside (Docker, ping, the state
 * file, the clock, the log) comes through the ports, so it runs the same against fakes and the
 * real engine.
 */
import { mapWithConcurrency } from './concurrency.js';
import { ContainerResults, type ContainerResult } from './container-results.js';
import { DependantRestarts } from './healing/dependant-restarts.js';
import { Healer } from './healing/healer.js';
import { HostGuard } from './healing/host-guard.js';
import { judgeContainer, reactToEvent, reasonOf, type Verdict } from './judging/decide.js';
import { DEFAULT_PATH_RULE } from './judging/host-path.js';
import { ContainerLabels } from './policy/container-labels.js';
import { Policies } from './policy/policies.js';
import { WatchList } from './policy/watch-list.js';
import type { AgentState, RuntimeEvent } from './ports.js';
import { ContainerLookup } from './engine/container-lookup.js';
import { ResourceSampler } from './engine/resource-sampler.js';
import { Scheduler } from './scheduler.js';
import type { CycleReport, WatchdogDeps, WatchdogOptions } from './watchdog-options.js';
import { CheckLog } from './verdicts/check-log.js';
import { chooseVerdict } from './verdicts/choose.js';
import type { Running, VerdictStrategy } from './verdicts/strategy.js';

export type { CycleReport, WatchdogDeps, WatchdogOptions } from './watchdog-options.js';

export class Watchdog {
  /** What the API told the agent: monitored names, threshold, policies, observe-only; saved before applied. */
  readonly watchList: WatchList;
  /** What applies to each container: monitored or not, its policy. */
  readonly policies: Policies;
  readonly healer: Healer;
  private readonly scheduler: Scheduler<CycleReport>;
  readonly verdicts: VerdictStrategy;
  readonly checks: CheckLog;
  private events: { close(): void } | null = null;
  /** The latest probe, resource sample and heals per container. */
  readonly results = new ContainerResults();
  private readonly cycleListeners: ((report: CycleReport) => void)[] = [];
  private readonly deathListeners: ((event: RuntimeEvent) => void)[] = [];
  private readonly labelListeners: ((name: string, problems: string[]) => void)[] = [];
  /** What each container's `watchdog.*` labels say, and its own StopTimeout, as last seen. */
  private readonly labels: ContainerLabels;
  readonly lookup: ContainerLookup;
  private readonly sampler: ResourceSampler;
  /** The host's path and its budget of loss restarts, asked before every loss restart. */
  readonly hostGuard: HostGuard;

  constructor(
    private readonly deps: WatchdogDeps,
    private readonly options: WatchdogOptions,
    initial: AgentState,
  ) {
    const { clock, log } = deps;
    this.watchList = new WatchList(deps.store, initial);
    this.checks = new CheckLog(log);
    this.labels = new ContainerLabels((name, problems) => {
      this.checks.labelProblems(name, problems);
      for (const listener of this.labelListeners) listener(name, problems);
    });
    const { stopTimeoutSec, restartPolicy, dryRun } = options;
    const startPeriodMs = (options.startPeriodSec ?? 0) * 1000;
    const host = { stopTimeoutSec, restartLimit: restartPolicy.maxRestarts, dryRun: dryRun === true, startPeriodMs };
    this.policies = new Policies(this.watchList, this.labels, host);
    const { pathRule, hostRestartLimit } = options;
    this.hostGuard = new HostGuard(clock, log, pathRule ?? DEFAULT_PATH_RULE, hostRestartLimit ?? Infinity, restartPolicy.windowMs);
    this.healer = new Healer(
      deps.runtime,
      clock,
      log,
      options,
      (heal) => this.results.recordHeal(heal),
      (name, now) => this.policies.healPolicyOf(name, now),
      {
        ...(initial.restartBudgets ? { saved: initial.restartBudgets } : {}),
        // Saved before the heal is ordered, so that an agent killed during a restart storm does not start the storm over.
        changed: (budgets) => this.watchList.setRestartBudgets(budgets).then(() => undefined),
      },
    );
    // A container given up on (its budget spent, onExhausted stop or notify) is healed again once it is fine again.
    this.results.onRecovered(({ name }) => this.healer.recovered(name));
    const dependants = new DependantRestarts(deps.runtime, this.healer, log, (name, problems) => this.labels.report(name, problems));
    this.results.onHeal((heal) => dependants.healed(heal));
    this.scheduler = new Scheduler(
      clock,
      options.checkIntervalMs,
      () => this.checkAll(),
      (error) => log.error(`check cycle failed: ${String(error)}`, { kind: 'cycle' }),
    );
    this.lookup = new ContainerLookup(deps.runtime, log, this.labels, deps.inventory, options.resyncMs);
    this.sampler = new ResourceSampler(deps.stats, this.results, clock, log);
    const { healer, hostGuard, results, checks, policies, lookup } = this;
    const sequential = deps.continuous && { ...deps.continuous, ...(options.pathCanary ? { pathCanary: options.pathCanary } : {}) };
    const agent = { clock, log, runtime: deps.runtime, healer, hostGuard, results, checks, policies, lookup };
    this.verdicts = chooseVerdict(agent, { prober: deps.prober, pingCount: options.pingCount }, sequential);
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
    this.verdicts.close();
    this.events?.close();
    this.events = null;
    await this.scheduler.stop();
    await this.healer.settled();
  }

  /** One pass over a snapshot of the monitored list. Calls during a cycle join it: cycles never overlap. */
  runCycle(): Promise<CycleReport> {
    return this.scheduler.run();
  }

  /** Unmonitoring also forgets the container's restart history and results: monitored again, it starts afresh. */
  async setMonitored(name: string, monitored: boolean): Promise<AgentState> {
    const state = await this.watchList.setMonitored(name, monitored);
    if (!monitored) {
      this.healer.forget(name);
      this.results.forget(name);
      this.verdicts.forget(name);
    }
    return state;
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
   * A cycle: ask Docker about every monitored container (at most `concurrency` at once) and start
   * the ones that are down; hand the running ones to the verdict strategy, and sample their
   * resource use meanwhile (a sample never delays a verdict).
   */
  private async checkAll(): Promise<CycleReport> {
    const started = this.deps.clock.now();
    const heals: Promise<void>[] = [];
    const running: Running[] = [];
    const fromInventory = await this.lookup.forCycle(started);
    await this.lookup.readLabels(fromInventory);
    const monitored = this.policies.monitoredNames();
    await mapWithConcurrency(monitored, this.options.concurrency, async (name) => {
      const found = await this.look(name, fromInventory);
      if (found?.verdict.action === 'probe')
        running.push({ name, id: found.id, pid: found.pid, ip: found.verdict.ip, startedAt: found.startedAt });
      else if (found?.verdict.action === 'start') heals.push(this.healer.heal(name, 'start', found.verdict.reason, 'check'));
    });
    await Promise.all([this.verdicts.cycle(running, fromInventory), this.sampler.sample(running), ...heals]);
    return this.report(monitored.length, running.length, this.deps.clock.now() - started);
  }

  /** What Docker says about one container, logged unless it is running (its probe is logged then). */
  private async look(
    name: string,
    fromInventory: boolean,
  ): Promise<{ verdict: Verdict; id: string; pid: number | undefined; startedAt: string } | null> {
    try {
      const healing = this.healer.isHealing(name);
      const container = healing ? null : await this.lookup.current(name, fromInventory);
      const verdict = judgeContainer(container, healing);
      if (verdict.action !== 'probe') this.checks.verdict(name, verdict.verdict, reasonOf(verdict));
      return { verdict, id: container?.id ?? '', pid: container?.pid, startedAt: container?.startedAt ?? '' };
    } catch (error) {
      this.checks.failed(name, error);
      return null;
    }
  }

  private onEvent(event: RuntimeEvent): void {
    this.labels.seeEvent(event);
    const monitored = this.policies.isMonitored(event.name);
    const reaction = reactToEvent(event, monitored);
    // A dead instance has no loss verdict to give: its probes go unanswered because it is gone.
    if (event.action === 'die') this.verdicts.instanceGone(event.name);
    // A die during the watchdog's own restart is that restart, not a death to report.
    if (event.action === 'die' && monitored && !this.healer.isHealing(event.name))
      for (const listener of this.deathListeners) listener(event);
    if (reaction.react === 'ensure-running') void this.healer.ensureRunning(event.name, reaction.trigger);
    else if (reaction.react === 'restart') void this.healer.heal(event.name, 'restart', reaction.reason, reaction.trigger);
  }

  private reconcile(why: string): void {
    this.deps.log.info(`reconciling monitored containers: ${why}`, { kind: 'engine' });
    for (const name of this.policies.monitoredNames()) void this.healer.ensureRunning(name, `reconcile: ${why}`);
  }

  private report(checked: number, probed: number, durationMs: number): CycleReport {
    const report = { checked, probed, durationMs, overran: durationMs > this.options.checkIntervalMs };
    this.checks.cycle(report, this.options.checkIntervalMs);
    for (const listener of this.cycleListeners) listener(report);
    return report;
  }
}
