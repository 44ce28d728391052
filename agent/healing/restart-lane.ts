/**
 * Paces restarts: at most `limit` in flight on the host, the others waiting in the order they
 * were ordered (oldest verdict first). The engine serialises much of a restart anyway, so a storm
 * ordered all at once only makes every container wait longer and the host busier. Starts of
 * containers that are down never wait behind restarts: a down container is the worse outage, and
 * a start is cheap. No I/O.
 */
export class RestartLane {
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limit: number) {}

  /** Restarts waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(action: 'start' | 'restart', work: () => Promise<T>): Promise<T> {
    if (action === 'start') return work();
    if (this.inFlight < this.limit) this.inFlight++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    try {
      return await work();
    } finally {
      // The turn passes to the oldest waiting restart, else it is free again.
      const next = this.waiting.shift();
      if (next) next();
      else this.inFlight--;
    }
  }
}
