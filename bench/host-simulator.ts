/**
 * Many hosts' bus sides in one process, for the control-plane bench: each simulated host runs the
 * project's real AgentBus, CommandHandler and Watchdog (its state, its replies, its heartbeats)
 * over a runtime of N running containers held in memory, against the real broker. Only the engine
 * and the probes are simulated: every container answers every ping.
 */
import { agentBrokerUrl } from '../lab/broker-users.js';
import { AgentBus } from '../agent/commands/agent-bus.js';
import { CommandHandler } from '../agent/commands/command-handler.js';
import type { Command, Reply } from '../bus/messages.js';
import type { AgentState, ContainerInfo, ContainerRuntime, EventHandlers, Log, Prober, ProbeResult, StateStore } from '../agent/ports.js';
import { Watchdog } from '../agent/watchdog.js';
import { systemClock } from '../shared/clock.js';

const quiet: Log = { info: () => undefined, warn: () => undefined, error: () => undefined };

class MemoryRuntime implements ContainerRuntime {
  private readonly containers = new Map<string, ContainerInfo>();

  constructor(hostIndex: number, count: number) {
    for (let i = 0; i < count; i++) {
      const name = `app-${i}`;
      this.containers.set(name, {
        id: `${hostIndex}-${i}`,
        name,
        running: true,
        status: 'running',
        ip: `10.${hostIndex >> 8}.${hostIndex & 255}.${i + 2}`,
        startedAt: '2026-11-25T00:00:00Z',
        pid: 0,
      });
    }
  }

  async inspect(name: string): Promise<ContainerInfo | null> {
    return this.containers.get(name) ?? null;
  }

  async list(): Promise<ContainerInfo[]> {
    return [...this.containers.values()];
  }

  async start(): Promise<boolean> {
    return true;
  }

  async restart(): Promise<void> {}

  async stop(): Promise<void> {}

  watchEvents(_handlers: EventHandlers): { close(): void } {
    return { close: () => undefined };
  }
}

/** Every container answers: loss 0, a plausible round trip. */
const answering: Prober = {
  async probeAll(ips: readonly string[], count: number): Promise<Map<string, ProbeResult | Error>> {
    return new Map(ips.map((ip) => [ip, { sent: count, received: count, lossPercent: 0, rttMs: 0.05, rttMinMs: 0.04, rttMaxMs: 0.07 }]));
  },
};

class MemoryStore implements StateStore {
  constructor(private state: AgentState) {}
  async load(): Promise<AgentState | null> {
    return this.state;
  }
  async save(state: AgentState): Promise<void> {
    this.state = state;
  }
}

/**
 * The real command handling, except that while `recorded` is on, GET /containers' unfiltered list
 * request is answered with the reply the real handler gave when it was switched on: hosts that
 * answer at once, so the bench can measure control and the broker alone (real hosts build their
 * lists in parallel, one each; here one process builds all of them in turn).
 */
class SimulatedHandler extends CommandHandler {
  private recorded: Reply | null = null;

  async record(on: boolean): Promise<void> {
    this.recorded = on ? await super.handle({ kind: 'list_request', sharedPolicies: true }) : null;
  }

  override async handle(command: Command): Promise<Reply | null> {
    const plain =
      command.kind === 'list_request' && command.filter === undefined && command.policies === undefined && command.sharedPolicies === true;
    if (this.recorded && plain) return this.recorded;
    return super.handle(command);
  }
}

export interface SimulatedHost {
  hostname: string;
  bus: AgentBus;
  handler: SimulatedHandler;
}

/**
 * Starts `hosts` simulated hosts named `<prefix>-<from>` onwards, each with `containers` running
 * containers, all monitored and measured once (so list_response carries what a real agent's does).
 */
export async function startSimulatedHosts(prefix: string, from: number, hosts: number, containers: number): Promise<SimulatedHost[]> {
  const started: SimulatedHost[] = [];
  for (let h = from; h < from + hosts; h++) {
    const hostname = `${prefix}-${h}`;
    const runtime = new MemoryRuntime(h, containers);
    const monitored = (await runtime.list()).map((c) => c.name);
    const watchdog = new Watchdog(
      { runtime, prober: answering, store: new MemoryStore({ monitored, threshold: 60 }), clock: systemClock, log: quiet },
      {
        checkIntervalMs: 3_600_000,
        pingCount: 5,
        concurrency: 100,
        stopTimeoutSec: 2,
        restartPolicy: { maxRestarts: 5, windowMs: 60_000, baseBackoffMs: 10_000, maxBackoffMs: 300_000 },
      },
      { monitored, threshold: 60 },
    );
    await watchdog.runCycle();
    // Each host logs in as its own broker user, as real agents do.
    const handler = new SimulatedHandler(hostname, watchdog, runtime);
    const bus = new AgentBus(agentBrokerUrl(hostname), hostname, handler, watchdog, quiet, systemClock);
    bus.start();
    started.push({ hostname, bus, handler });
  }
  return started;
}

export async function stopSimulatedHosts(hosts: readonly SimulatedHost[]): Promise<void> {
  await Promise.all(hosts.map((h) => h.bus.stop()));
}

/**
 * As its own process (so the bench's HTTP client does not share a thread with the hosts):
 * `tsx bench/host-simulator.ts <prefix> <from> <hosts> <containers>`. SIGUSR2 switches recorded
 * list replies on, the next one off.
 */
if (import.meta.url === `file://${process.argv[1]}`) {
  const [prefix = 'sim', from = '0', count = '1', containers = '100'] = process.argv.slice(2);
  const hosts = await startSimulatedHosts(prefix, Number(from), Number(count), Number(containers));
  console.log(`simulating ${hosts.length} hosts`);
  process.once('SIGTERM', () => void stopSimulatedHosts(hosts).then(() => process.exit(0)));
  let recorded = false;
  process.on('SIGUSR2', () => {
    recorded = !recorded;
    void Promise.all(hosts.map((h) => h.handler.record(recorded))).then(() =>
      console.log(`recorded list replies ${recorded ? 'on' : 'off'}`),
    );
  });
}
