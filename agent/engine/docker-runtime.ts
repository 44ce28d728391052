/** The Docker engine behind the ContainerRuntime port. The only agent file that imports dockerode. */
import type Docker from 'dockerode';
import type { Clock } from '../../shared/clock.js';
import type { ContainerInfo, ContainerRuntime, EventHandlers } from '../ports.js';
import { NETWORK_LABEL, networkOf, parseEvent, pickAddress, stopTimeoutOf, withLabels } from './engine-answers.js';

interface DockerError {
  statusCode?: number;
}

export class DockerRuntime implements ContainerRuntime {
  /**
   * @param docker client for requests (with a timeout)
   * @param eventsDocker client for the event stream, without a timeout: dockerode's timeout also kills idle streams
   */
  constructor(
    private readonly docker: Docker,
    private readonly eventsDocker: Docker,
    private readonly clock: Clock,
  ) {}

  async inspect(name: string): Promise<ContainerInfo | null> {
    try {
      const found = await this.docker.getContainer(name).inspect();
      // The engine also resolves ID prefixes; only an exact name is the container we were asked about.
      if (found.Name !== `/${name}`) return null;
      return {
        id: found.Id,
        name,
        running: found.State.Running,
        status: found.State.Status,
        ip: pickAddress(found.NetworkSettings.Networks, found.Config.Labels?.[NETWORK_LABEL]),
        startedAt: found.State.StartedAt,
        pid: found.State.Pid,
        ...withLabels(found.Config.Labels),
        ...stopTimeoutOf(found.Config as { StopTimeout?: unknown }),
        ...networkOf(found.HostConfig.NetworkMode),
      };
    } catch (error) {
      if ((error as DockerError).statusCode === 404) return null;
      throw error;
    }
  }

  async list(): Promise<ContainerInfo[]> {
    const containers = await this.docker.listContainers({ all: true });
    return containers.map((c) => ({
      id: c.Id,
      name: (c.Names[0] ?? c.Id).replace(/^\//, ''),
      running: c.State === 'running',
      status: c.State,
      ip: pickAddress(c.NetworkSettings?.Networks ?? {}, c.Labels?.[NETWORK_LABEL]),
      startedAt: '', // not in the listing; only inspect has it
      ...withLabels(c.Labels),
      ...networkOf(c.HostConfig?.NetworkMode),
    }));
  }

  async start(name: string): Promise<boolean> {
    try {
      await this.docker.getContainer(name).start();
      return true;
    } catch (error) {
      if ((error as DockerError).statusCode === 304) return false; // 304: already started
      throw error;
    }
  }

  async restart(name: string, stopTimeoutSec: number): Promise<void> {
    await this.docker.getContainer(name).restart({ t: stopTimeoutSec });
  }

  async stop(name: string, stopTimeoutSec: number): Promise<void> {
    try {
      await this.docker.getContainer(name).stop({ t: stopTimeoutSec });
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 304) throw error; // stopped already
    }
  }

  /** Runs the command in the container through the engine's exec API and waits for its exit code, at most `timeoutMs`. */
  async exec(name: string, command: string[], timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    const exec = await this.docker.getContainer(name).exec({ Cmd: command, AttachStdout: false, AttachStderr: false });
    await exec.start({ Detach: true });
    for (;;) {
      const state = await exec.inspect();
      if (!state.Running) return state.ExitCode ?? -1;
      if (Date.now() > deadline) throw new Error(`no exit within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /**
   * Follows container events. When the stream breaks (engine restart, socket error) it reconnects
   * from the last event's time and calls onReconnect, since events may have been missed. Retries
   * back off to at most one a second (a refused local socket costs nothing), so the stream is back
   * within a second of the engine; only the first failure and every 30th are reported.
   */
  watchEvents(handlers: EventHandlers): { close(): void } {
    let closed = false;
    let failures = 0;
    let since: number | undefined;
    let current: NodeJS.ReadableStream | null = null;
    let cancelRetry: (() => void) | null = null;

    const retry = (): void => {
      if (closed) return;
      const delayMs = Math.min(250 * 2 ** failures, 1000);
      failures += 1;
      cancelRetry = this.clock.setTimeout(() => void connect(true), delayMs);
    };

    const connect = async (reconnecting: boolean): Promise<void> => {
      try {
        const stream = await this.eventsDocker.getEvents({
          ...(since === undefined ? {} : { since }),
          filters: { type: ['container'] },
        });
        if (closed) {
          (stream as unknown as { destroy(): void }).destroy();
          return;
        }
        current = stream;
        failures = 0;
        if (reconnecting) handlers.onReconnect();
        let buffer = '';
        let ended = false;
        const onEnd = (): void => {
          if (ended) return;
          ended = true;
          current = null;
          retry();
        };
        stream.on('data', (chunk: Buffer) => {
          buffer += chunk.toString('utf8');
          const lines = buffer.split('\n');
          buffer = lines.pop() ?? '';
          for (const line of lines) {
            if (!line.trim()) continue;
            const event = parseEvent(line);
            if (!event) continue;
            since = event.time;
            handlers.onEvent(event);
          }
        });
        stream.on('error', (error: Error) => handlers.onError(error));
        stream.on('end', onEnd);
        stream.on('close', onEnd);
      } catch (error) {
        if (failures % 30 === 0) handlers.onError(error instanceof Error ? error : new Error(String(error)));
        retry();
      }
    };

    void connect(false);
    return {
      close: () => {
        closed = true;
        cancelRetry?.();
        (current as unknown as { destroy?: () => void } | null)?.destroy?.();
      },
    };
  }
}
