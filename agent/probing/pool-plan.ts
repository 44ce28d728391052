/** Which fping processes a pool runs, and how often a big host's containers are probed. Free of I/O. */

export interface PoolPlan {
  /** Addresses for one new process, or null. */
  start: string[] | null;
  /** Indexes of the running processes to stop. */
  stop: number[];
  /** Every running process is replaced by the new one. */
  compact: boolean;
  /** Wanted addresses that stay unprobed until compaction is allowed again. */
  waiting: number;
}

/**
 * What to start and stop so every wanted address is probed by a pool, given the targets of its
 * running processes. Free of I/O. A process with no wanted target is stopped; missing addresses
 * get one new process; the pool is compacted into one process when that would exceed
 * `maxProcesses`, or when most of what it probes is no longer wanted.
 */
export function planPool(
  running: readonly (readonly string[])[],
  wanted: ReadonlySet<string>,
  limits: { maxProcesses: number; compactAllowed: boolean; settled?: boolean },
): PoolPlan {
  const stop: number[] = [];
  const covered = new Set<string>();
  let live = 0;
  let unwanted = 0;
  running.forEach((targets, index) => {
    const kept = targets.filter((ip) => wanted.has(ip));
    if (kept.length === 0) return void stop.push(index);
    live++;
    unwanted += targets.length - kept.length;
    for (const ip of kept) covered.add(ip);
  });
  const missing = [...wanted].filter((ip) => !covered.has(ip)).sort();
  const crowded = missing.length > 0 && live >= limits.maxProcesses;
  const wasteful = unwanted >= 8 && unwanted > wanted.size;
  // Once the targets have stopped changing, several processes become one: each raw socket gets every reply.
  const tidy = limits.settled === true && live > 1;
  if (crowded || wasteful || tidy) {
    if (limits.compactAllowed) return { start: [...wanted].sort(), stop: running.map((_, index) => index), compact: true, waiting: 0 };
    return { start: null, stop, compact: false, waiting: crowded ? missing.length : 0 };
  }
  return { start: missing.length > 0 ? missing : null, stop, compact: false, waiting: 0 };
}

/**
 * The steady period for `count` targets: the configured one while the host's probe budget (steady
 * probes a second, all targets together) allows it, else the smallest multiple of it that keeps
 * within the budget: fping costs about 5 % of a core per 1,000 probes a second (measured), so the
 * cost of probing stays bounded however many containers a host runs, and a big host's containers
 * are each probed less often. The period comes down again only when 10 % more targets would still
 * fit, so a container restarting at the boundary does not swap the pool back and forth.
 */
export function steadyPeriodFor(count: number, basePeriodMs: number, budgetPerSecond: number, currentMs: number): number {
  const needed = (n: number): number => Math.max(1, Math.ceil((n * 1000) / budgetPerSecond / basePeriodMs)) * basePeriodMs;
  const wanted = needed(count);
  if (wanted >= currentMs) return wanted;
  const withRoom = needed(Math.ceil(count * 1.1));
  return withRoom < currentMs ? withRoom : currentMs;
}
