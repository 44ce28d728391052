/**
 * What the engine's answers mean, free of I/O: an event-stream line, a container's `watchdog.*`
 * labels and stop grace, the address probed, the namespace it shares. docker-runtime.ts asks the
 * engine and hands the answers here.
 */
interface DockerEvent {
  Type?: string;
  Action?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
}

/** One line of the engine's event stream, or null for anything that is not a named container's event. */
export function parseEvent(line: string): { action: string; name: string; id: string; time: number; exitCode?: number } | null {
  try {
    const event = JSON.parse(line) as DockerEvent;
    const name = event.Actor?.Attributes?.name;
    if (event.Type !== 'container' || !event.Action || !name) return null;
    const exitCode = Number(event.Actor?.Attributes?.['exitCode'] ?? NaN);
    return {
      action: event.Action,
      name,
      id: event.Actor?.ID ?? '',
      time: event.time ?? 0,
      ...(Number.isInteger(exitCode) ? { exitCode } : {}),
      ...withLabels(event.Actor?.Attributes),
    };
  } catch {
    return null;
  }
}

/** Config.StopTimeout (`--stop-timeout`), which the engine sets only when the container was given one; dockerode's types lack it. */
export function stopTimeoutOf(config: { StopTimeout?: unknown }): { stopTimeoutSec?: number } {
  return typeof config.StopTimeout === 'number' && config.StopTimeout >= 0 ? { stopTimeoutSec: config.StopTimeout } : {};
}

/** The container's `watchdog.*` labels (an event's attributes hold its labels among other things), or nothing when it has none. */
export function withLabels(all: Record<string, string> | null | undefined): { labels?: Record<string, string> } {
  const labels = Object.fromEntries(Object.entries(all ?? {}).filter(([key]) => key.startsWith('watchdog.')));
  return Object.keys(labels).length > 0 ? { labels } : {};
}

/** The label that says which network's address is probed, for a container on several. */
export const NETWORK_LABEL = 'watchdog.network';

/**
 * The address probed: the network the `watchdog.network` label names, when the container has an
 * address there; else the bridge network's, as the original agent did; else the first network's
 * by name (not the engine's order, which is no promise).
 */
export function pickAddress(networks: Record<string, { IPAddress?: string }> | undefined, chosen?: string): string | null {
  if (!networks) return null;
  for (const name of [chosen, 'bridge']) if (name !== undefined && networks[name]?.IPAddress) return networks[name].IPAddress;
  for (const name of Object.keys(networks).sort()) if (networks[name]?.IPAddress) return networks[name].IPAddress;
  return null;
}

/** `--network container:X`: the container it shares a network namespace with. */
export function networkOf(mode: string | undefined): { networkOf?: string } {
  return mode?.startsWith('container:') ? { networkOf: mode.slice('container:'.length) } : {};
}
