/**
 * The lab's Docker engines and the containers tests and benchmarks make on them, labelled per run
 * so they can be removed however a run ends. scripts/lab-up.sh must have run (npm test and
 * npm run bench do it): it starts the engines (h1 on the default socket, h2..hN on their own).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { mapWithConcurrency } from '../agent/concurrency.js';

export const TARGET_IMAGE = 'watchdog-lab/target:latest';
export const MAIN_SOCKET = '/var/run/docker.sock';
export const hostSocket = (n: number): string => (n === 1 ? MAIN_SOCKET : `/run/watchdog-lab/h${n}/docker.sock`);

export const RUN_LABEL = 'watchdog-test-run';
export const runId = randomBytes(3).toString('hex');

export function engine(socketPath = MAIN_SOCKET): Docker {
  return new Docker({ socketPath });
}

let named = 0;
/** A unique container name for this run. */
export function uniqueName(prefix: string): string {
  named += 1;
  return `${prefix}-${runId}-${named}`;
}

export async function createTarget(
  name: string,
  options: {
    docker?: Docker;
    cmd?: string[];
    start?: boolean;
    restartPolicy?: string;
    labels?: Record<string, string>;
    stopTimeout?: number;
    /** Another image than the lab's target (e.g. the dummy's, which has Node). */
    image?: string;
  } = {},
): Promise<Docker.Container> {
  const docker = options.docker ?? engine();
  const container = await docker.createContainer({
    name,
    Image: options.image ?? TARGET_IMAGE,
    Labels: { ...options.labels, [RUN_LABEL]: runId },
    ...(options.cmd ? { Cmd: options.cmd } : {}),
    ...(options.stopTimeout === undefined ? {} : { StopTimeout: options.stopTimeout }),
    HostConfig: { NetworkMode: 'bridge', ...(options.restartPolicy ? { RestartPolicy: { Name: options.restartPolicy } } : {}) },
  });
  if (options.start !== false) await container.start();
  return container;
}

export async function removeRunContainers(docker: Docker = engine()): Promise<void> {
  const containers = await docker.listContainers({ all: true, filters: { label: [`${RUN_LABEL}=${runId}`] } });
  // A few at a time: a thousand removals at once choked the engine and left some containers behind.
  await mapWithConcurrency(containers, 16, (c) =>
    docker
      .getContainer(c.Id)
      .remove({ force: true })
      .catch(() => undefined),
  );
}

export async function state(name: string, docker: Docker = engine()): Promise<{ running: boolean; startedAt: string; pid: number }> {
  const info = await docker.getContainer(name).inspect();
  return { running: info.State.Running, startedAt: info.State.StartedAt, pid: info.State.Pid };
}

/**
 * Adds an iptables rule to the OUTPUT chain inside the container's network namespace. iptables'
 * statistic match gives exact, repeatable loss on any kernel; netem is not on every lab kernel.
 */
export async function dropOutgoing(name: string, match: string[], docker: Docker = engine()): Promise<void> {
  const { pid } = await state(name, docker);
  execFileSync('nsenter', ['-t', String(pid), '-n', 'iptables', '-A', 'OUTPUT', ...match, '-j', 'DROP']);
}
