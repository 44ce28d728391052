/**
 * What the agent does with an admin command from the bus. No AMQP here: the bus adapter parses,
 * calls `handle`, and sends back the reply it returns.
 */
import type { Ack, Command, ContainerStatus, Reply, Silence } from '../../bus/messages.js';
import { coversHost } from '../../shared/silence-match.js';
import { errorMessage } from '../../shared/errors.js';
import { policyProblem, type Policy } from '../policy/policy.js';
import type { ContainerInfo, ContainerLister, ContainerRuntime } from '../ports.js';
import type { Watchdog } from '../watchdog.js';
import { ContainerListing } from './container-listing.js';

/** A command that needs the engine waits this long for it. */
export const ENGINE_DEADLINE_MS = 5000;

export class CommandHandler {
  private readonly listing: ContainerListing;

  constructor(
    private readonly hostname: string,
    private readonly watchdog: Watchdog,
    private readonly runtime: ContainerRuntime,
    private readonly containers: ContainerLister = runtime,
    /** DRY_RUN=true in the agent's environment: the API cannot switch observe-only off. */
    private readonly dryRunByEnvironment = false,
    /** How long a command waits for the engine's answer before it is refused (a hung engine must not hold the command queue for Docker's own 60 s). */
    private readonly engineDeadlineMs = ENGINE_DEADLINE_MS,
  ) {
    this.listing = new ContainerListing(hostname, watchdog, containers);
  }

  /** The reply to send, or null when the command is not for this host. */
  async handle(command: Command): Promise<Reply | null> {
    switch (command.kind) {
      case 'list_request':
        return this.listing.list(command.filter, command.policies === true, command.sharedPolicies === true);
      case 'threshold':
        return this.setThreshold(command.threshold);
      case 'actives':
        if (command.hostname !== this.hostname) return null;
        return this.setMonitored(command.name, command.monitored);
      case 'policy':
        if (command.hostname !== this.hostname) return null;
        return this.setPolicy(command.name, command.policy);
      case 'mode':
        if (command.hostname !== undefined && command.hostname !== this.hostname) return null;
        return this.setDryRun(command.dryRun);
      case 'silences':
        return this.setSilences(command.silences);
    }
  }

  /** Keeps the silences that cover this host (control sends every host the whole list). */
  private setSilences(silences: readonly Silence[]): Promise<Ack> {
    return this.saved('silences', 'the silences', async () => {
      await this.watchdog.watchList.setSilences(silences.filter((s) => coversHost(s, this.hostname)));
      return {};
    });
  }

  private setThreshold(threshold: number): Promise<Ack> {
    return this.saved('threshold', 'the threshold', async () => ({
      threshold: (await this.watchdog.watchList.setThreshold(threshold)).threshold,
    }));
  }

  /** A change that is only saved: its ack (with what `save` returns), or its refusal when the state file could not be written. */
  private async saved(command: 'threshold' | 'silences', what: string, save: () => Promise<Partial<Ack>>): Promise<Ack> {
    try {
      return { kind: 'ack', hostname: this.hostname, command, ok: true, ...(await save()) };
    } catch (error) {
      return {
        kind: 'ack',
        hostname: this.hostname,
        command,
        ok: false,
        error: 'failed',
        message: `could not save ${what}: ${errorMessage(error)}`,
      };
    }
  }

  /** The container a command is about; a refusal when Docker cannot say, or when it must exist and does not. */
  private async containerFor(
    command: 'actives' | 'policy',
    name: string,
    mustExist: boolean,
  ): Promise<{ container: ContainerInfo | null } | { refused: Ack }> {
    const refuse = (error: Ack['error'], message: string) => ({
      refused: { kind: 'ack', hostname: this.hostname, command, ok: false, error, message } as Ack,
    });
    let container: ContainerInfo | null;
    let timer: NodeJS.Timeout | undefined;
    const hung = new Promise<'hung'>((resolve) => (timer = setTimeout(() => resolve('hung'), this.engineDeadlineMs)));
    try {
      const answer = await Promise.race([this.runtime.inspect(name), hung]);
      if (answer === 'hung')
        return refuse(
          'failed',
          `the Docker engine did not answer about ${name} within ${this.engineDeadlineMs / 1000} s (hung?); nothing changed`,
        );
      container = answer;
    } catch (error) {
      return refuse('failed', `could not ask Docker about ${name}: ${errorMessage(error)}`);
    } finally {
      clearTimeout(timer);
    }
    if (!container && mustExist) return refuse('not_found', `no container named ${name} on host ${this.hostname}`);
    return { container };
  }

  private async setMonitored(name: string, monitored: boolean): Promise<Ack> {
    const refuse = (error: Ack['error'], message: string): Ack => ({
      kind: 'ack',
      hostname: this.hostname,
      command: 'actives',
      ok: false,
      error,
      message,
    });
    // Unmonitoring a name with no container is allowed: it may have been removed.
    const found = await this.containerFor('actives', name, monitored);
    if ('refused' in found) return found.refused;
    const { container } = found;
    try {
      await this.watchdog.setMonitored(name, monitored);
    } catch (error) {
      return refuse('failed', `could not save the monitored list: ${errorMessage(error)}`);
    }
    const status: ContainerStatus = container
      ? this.listing.describe(container, monitored)
      : { hostname: this.hostname, name, status: 'absent', monitored };
    return { kind: 'ack', hostname: this.hostname, command: 'actives', ok: true, container: status };
  }

  /** Replaces the container's API policy; refused for a name with no container here, like monitoring one. */
  private async setPolicy(name: string, policy: Policy): Promise<Ack> {
    const refuse = (error: Ack['error'], message: string): Ack => ({
      kind: 'ack',
      hostname: this.hostname,
      command: 'policy',
      ok: false,
      error,
      message,
    });
    // What the contract cannot say (a probe's port range, expect-* only for http): refused, naming the field; nothing changes.
    const wrong = policyProblem(policy);
    if (wrong) return refuse('invalid', wrong);
    // Removing a policy ({}) is allowed for a name with no container.
    const found = await this.containerFor('policy', name, Object.keys(policy).length > 0);
    if ('refused' in found) return found.refused;
    const { container } = found;
    try {
      await this.watchdog.watchList.setPolicy(name, policy);
    } catch (error) {
      return refuse('failed', `could not save the policy: ${errorMessage(error)}`);
    }
    if (container) this.watchdog.policies.see(container);
    const monitored = this.watchdog.policies.isMonitored(name);
    const status: ContainerStatus = container
      ? this.listing.describe(container, monitored, true)
      : { hostname: this.hostname, name, status: 'absent', monitored };
    return { kind: 'ack', hostname: this.hostname, command: 'policy', ok: true, container: status };
  }

  private async setDryRun(dryRun: boolean): Promise<Ack> {
    if (!dryRun && this.dryRunByEnvironment) {
      return {
        kind: 'ack',
        hostname: this.hostname,
        command: 'mode',
        ok: false,
        error: 'invalid',
        message: `host ${this.hostname} runs with DRY_RUN=true: it observes only until restarted without it`,
      };
    }
    try {
      await this.watchdog.setDryRun(dryRun);
    } catch (error) {
      return {
        kind: 'ack',
        hostname: this.hostname,
        command: 'mode',
        ok: false,
        error: 'failed',
        message: `could not save the mode: ${errorMessage(error)}`,
      };
    }
    return { kind: 'ack', hostname: this.hostname, command: 'mode', ok: true, dryRun: this.watchdog.policies.dryRun };
  }
}
