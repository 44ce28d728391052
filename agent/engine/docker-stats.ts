/**
 * Resource counters from the engine's one-shot stats (API 1.41+): correct wherever the agent can
 * reach the engine, but each answer waits for the engine's next collection (about 1 s on Docker
 * 20.10), so all containers are asked at once. The fallback when cgroup files cannot be read.
 */
import type Docker from 'dockerode';
import type { ResourceSample, StatsSource } from '../ports.js';

interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: Record<string, number> };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
}

export class EngineStatsSource implements StatsSource {
  readonly name = 'docker';

  constructor(private readonly docker: Docker) {}

  async sample(containers: readonly { name: string; id: string }[]): Promise<Map<string, ResourceSample | Error>> {
    const results = new Map<string, ResourceSample | Error>();
    await Promise.all(
      containers.map(async (c) => {
        try {
          const stats = (await this.docker
            .getContainer(c.id)
            .stats({ stream: false, 'one-shot': true } as { stream: false })) as EngineStats;
          results.set(c.name, fromDockerStats(stats));
        } catch (error) {
          results.set(c.name, error instanceof Error ? error : new Error(String(error)));
        }
      }),
    );
    return results;
  }
}

export function fromDockerStats(stats: EngineStats): ResourceSample {
  const memory = stats.memory_stats ?? {};
  const inactive = memory.stats?.['total_inactive_file'] ?? memory.stats?.['inactive_file'] ?? 0;
  let rxBytes = 0;
  let txBytes = 0;
  for (const network of Object.values(stats.networks ?? {})) {
    rxBytes += network.rx_bytes ?? 0;
    txBytes += network.tx_bytes ?? 0;
  }
  return {
    cpuNs: stats.cpu_stats?.cpu_usage?.total_usage ?? 0,
    memoryBytes: Math.max(0, (memory.usage ?? 0) - inactive),
    rxBytes,
    txBytes,
  };
}
