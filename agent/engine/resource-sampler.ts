/** CPU, memory and network of the running containers, sampled once a cycle into the results; a failure is logged once per cycle. */
import type { Clock } from '../../shared/clock.js';
import { errorMessage } from '../../shared/errors.js';
import type { ContainerResults } from '../container-results.js';
import type { Log, StatsSource } from '../ports.js';

export class ResourceSampler {
  constructor(
    private readonly stats: StatsSource | undefined,
    private readonly results: ContainerResults,
    private readonly clock: Clock,
    private readonly log: Log,
  ) {}

  async sample(running: readonly { name: string; id: string; pid?: number | undefined }[]): Promise<void> {
    const stats = this.stats;
    if (!stats) return;
    try {
      const samples = await stats.sample(running);
      const at = this.clock.now();
      const failed: string[] = [];
      for (const [name, sample] of samples) {
        if (sample instanceof Error) failed.push(`${name} (${sample.message})`);
        else this.results.recordSample(name, sample, at);
      }
      if (failed.length === 0) return;
      const message = `resource use not measured for ${failed.length} container(s) with ${stats.name}: ${failed.slice(0, 3).join(', ')}`;
      this.log.warn(message, { kind: 'stats', source: stats.name });
    } catch (error) {
      this.log.warn(`resource use not measured: ${errorMessage(error)}`, { kind: 'stats', source: stats.name });
    }
  }
}
