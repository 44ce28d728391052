/**
 * The lab's 3-node RabbitMQ cluster (`scripts/lab-cluster.sh`, ports 5681-5683): logins that list
 * every node, an agent's user made on the cluster, and a node killed (SIGKILL, a real node loss)
 * and brought back.
 */
import { execFile, execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { promisify } from 'node:util';
import { agentPermissions, agentTopicPermissions, agentUser } from '../bus/identity.js';
import { agentQueue } from '../bus/topology.js';
import { agentBrokerUrl, brokerUrl } from './broker-users.js';

const root = new URL('../', import.meta.url).pathname;
export const CLUSTER_PORTS = [5681, 5682, 5683] as const;
const node = (port: number): string => `watchdog-c${port - 5680}@${hostname().split('.')[0] ?? 'localhost'}`;
const pidFile = (port: number): string => `/var/lib/watchdog-lab/cluster/c${port - 5680}/pid`;

/** Brings every node up (only those that are down) and into the cluster. */
export async function ensureCluster(): Promise<void> {
  await promisify(execFile)(`${root}scripts/lab-cluster.sh`);
}

/** A login listing the nodes, in this order (a side connects to the first that answers). */
export const clusterUrl = (user: 'control' | 'antagonist' | 'lab-admin', ports: readonly number[] = CLUSTER_PORTS): string =>
  ports.map((p) => brokerUrl(user, p)).join(',');

/** rabbitmqctl on the cluster's first node (users and queues are the cluster's, whichever node is asked). */
const ctl = (...args: string[]): void =>
  void execFileSync('rabbitmqctl', ['-q', '-n', node(CLUSTER_PORTS[0]), ...args], { stdio: 'ignore' });

const made = new Set<string>();
/** An agent host's login on the cluster (its user made there first), listing the nodes in this order. */
export function clusterAgentUrl(host: string, ports: readonly number[] = CLUSTER_PORTS): string {
  const urls = ports.map((p) => agentBrokerUrl(host, p));
  if (!made.has(host)) {
    const password = decodeURIComponent(new URL(urls[0] ?? '').password);
    try {
      ctl('add_user', agentUser(host), password);
    } catch {
      ctl('change_password', agentUser(host), password);
    }
    const p = agentPermissions(host);
    ctl('set_permissions', agentUser(host), p.configure, p.write, p.read);
    const t = agentTopicPermissions(host);
    ctl('set_topic_permissions', agentUser(host), t.exchange, t.write, t.read);
    made.add(host);
  }
  return urls.join(',');
}

/** Deletes a test host's command queue and broker user on the cluster. */
export function forgetClusterHost(host: string): void {
  for (const args of [
    ['delete_queue', agentQueue(host)],
    ['delete_user', agentUser(host)],
  ]) {
    try {
      ctl(...args);
    } catch {
      // already gone
    }
  }
  made.delete(host);
}

/** Kills the node on this port with SIGKILL, as a crash would; resolves once it is gone. */
export async function killNode(port: number): Promise<void> {
  const pid = Number(readFileSync(pidFile(port), 'utf8').trim());
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`node on port ${port} (pid ${pid}) did not die`);
}

/** The port of the node a process's log says it connected to last. */
export function connectedPort(log: { message: string }[]): number | null {
  const line = log.filter((e) => e.message.startsWith('bus connected to')).at(-1);
  const port = line ? /:(\d+)$/.exec(line.message)?.[1] : undefined;
  return port ? Number(port) : null;
}
