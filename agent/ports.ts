/** What the agent needs from the outside world. Adapters implement these; tests pass fakes. */
import type { Policy, Silence } from '../bus/contract.generated.js';

export interface ContainerInfo {
  id: string;
  name: string;
  running: boolean;
  /** Docker's State.Status: created, running, paused, restarting, removing, exited, dead. */
  status: string;
  /** Address on the container's network (the bridge by default); null when it has none. */
  ip: string | null;
  /** When it was last started (Docker's State.StartedAt); tells a restart apart. */
  startedAt: string;
  /** Its main process on the host (0 when not running or not known): where its network counters are read. */
  pid?: number;
  /** Its `watchdog.*` labels (the others are not kept). */
  labels?: Record<string, string>;
  /** Docker's StopTimeout of this container (`--stop-timeout`), when it has one; only inspect knows it. */
  stopTimeoutSec?: number;
  /** The container whose network namespace it shares (NetworkMode `container:<id or name>`), if it does. */
  networkOf?: string;
}

export interface RuntimeEvent {
  /** Docker's event Action: die, stop, start, "health_status: unhealthy", ... */
  action: string;
  name: string;
  id: string;
  /** die: the container's exit code. */
  exitCode?: number;
  /** The container's `watchdog.*` labels, as the event carries them. */
  labels?: Record<string, string>;
}

export interface EventHandlers {
  onEvent(event: RuntimeEvent): void;
  /** The stream broke and came back: events may have been missed, so reconcile. */
  onReconnect(): void;
  onError(error: Error): void;
}

/** Where the list of the host's containers comes from (the event-fed inventory, or the runtime itself). */
export interface ContainerLister {
  list(): Promise<ContainerInfo[]>;
}

/** What the event-fed inventory knows, so the check cycle and the verdicts need no inspect per container. */
export interface InventoryView extends ContainerLister {
  /** The container as the inventory knows it; null when it knows there is none; undefined when it cannot say (not loaded, or never inspected). */
  lookup(name: string): ContainerInfo | null | undefined;
  /** Records what an inspect found (null: no such container). */
  remember(name: string, found: ContainerInfo | null): void;
  /** Lists the host's containers if not loaded, or afresh (a resync). */
  load(afresh?: boolean): Promise<void>;
}

export interface ContainerRuntime extends ContainerLister {
  /** null when no container of that name exists on this host. */
  inspect(name: string): Promise<ContainerInfo | null>;
  /** false when it was already running (someone else started it first). */
  start(name: string): Promise<boolean>;
  restart(name: string, stopTimeoutSec: number): Promise<void>;
  /** Stops it (SIGTERM, then SIGKILL after the grace); one already stopped is fine. */
  stop(name: string, stopTimeoutSec: number): Promise<void>;
  /** Runs a command in the container (an exec probe); its exit code, or a rejection past the timeout. */
  exec?(name: string, command: string[], timeoutMs: number): Promise<number>;
  watchEvents(handlers: EventHandlers): { close(): void };
}

export interface ProbeResult {
  sent: number;
  received: number;
  lossPercent: number;
  /** Average round-trip time of the replies; null when none came back. */
  rttMs: number | null;
  /** Fastest and slowest reply, where the prober reports them. */
  rttMinMs?: number | null;
  rttMaxMs?: number | null;
}

/** A container's resource counters at one moment, as the engine or the kernel keeps them. */
export interface ResourceSample {
  /** CPU time used since the container started, in nanoseconds (a counter). */
  cpuNs: number;
  /** Memory in use minus the page cache it could drop (the working set, as cAdvisor and kubelet count it). */
  memoryBytes: number;
  /** Bytes received and sent on all its interfaces but loopback (counters). */
  rxBytes: number;
  txBytes: number;
}

export interface StatsSource {
  readonly name: string;
  /** One sample per container; an Error in its place when it could not be read. */
  sample(containers: readonly { name: string; id: string; pid?: number }[]): Promise<Map<string, ResourceSample | Error>>;
}

export interface Prober {
  /** Sends `count` pings to every address; a probe that could not be made is an Error in its place. */
  probeAll(ips: readonly string[], count: number): Promise<Map<string, ProbeResult | Error>>;
}

/** One container's budget as it is saved with the agent's state (times in ms since the epoch). */
export interface SavedBudget {
  restarts: number[];
  lastRestartAt?: number;
  level: number;
  blockedUntil: number;
  /** Its budget was spent and its policy said stop or notify: healing it stays stopped (last-resort.ts). */
  gaveUp?: 'stop' | 'notify';
}

export interface AgentState {
  /** Names the API monitored. */
  monitored: string[];
  /** The host's loss threshold. */
  threshold: number;
  /** Names the API unmonitored: a `watchdog.monitor=true` label does not monitor them. */
  unmonitored?: string[];
  /** Policies set through the API, per container name. */
  policies?: Record<string, Policy>;
  /** Observe-only, switched on through the API. */
  dryRun?: boolean;
  /** Restart budgets per container, so a restart storm is not started over by an agent restart. */
  restartBudgets?: Record<string, SavedBudget>;
  /** The silences control sent that cover this host (expired ones are harmless: a silence holds only until its `until`). */
  silences?: Silence[];
}

export interface StateStore {
  /** null when there is no saved state yet. Throws when the file exists but cannot be used. */
  load(): Promise<AgentState | null>;
  save(state: AgentState): Promise<void>;
}

/** The subset of winston's logger the agent uses: a message plus structured fields. */
export interface Log {
  info(message: string, fields?: object): void;
  warn(message: string, fields?: object): void;
  error(message: string, fields?: object): void;
}
