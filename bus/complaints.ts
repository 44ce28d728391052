/**
 * Malformed or forged messages, told to the log at a bounded rate. The first of a kind from a
 * sender is logged at once; the rest within the window are only counted, and the count is told
 * once the window ends ("1204 more in the last 60 s; the last: ..."). A flood of garbage costs a
 * line or two a minute per sender, not a line each. No I/O: the adapter logs what this returns.
 */
export class Complaints {
  private readonly open = new Map<string, { count: number; last: string; since: number }>();

  constructor(
    private readonly windowMs = 60_000,
    /** Senders tracked at once; past it, new ones share one entry (a flood of made-up senders stays bounded). */
    private readonly maxKeys = 1000,
  ) {}

  /** A complaint about `key` (the kind and the sender); the line to log now, or null when it is only counted. */
  note(key: string, line: string, now: number): string | null {
    const entryKey = this.open.has(key) || this.open.size < this.maxKeys ? key : '(other senders)';
    const entry = this.open.get(entryKey);
    if (!entry) {
      this.open.set(entryKey, { count: 0, last: line, since: now });
      return line;
    }
    entry.count += 1;
    entry.last = line;
    return null;
  }

  /** Lines that sum up what was counted in windows that have ended; a quiet key is forgotten. */
  due(now: number): string[] {
    const lines: string[] = [];
    for (const [key, entry] of this.open) {
      if (now - entry.since < this.windowMs) continue;
      if (entry.count === 0) {
        this.open.delete(key);
        continue;
      }
      lines.push(`${entry.count} more like this in the last ${Math.round((now - entry.since) / 1000)} s; the last: ${entry.last}`);
      entry.count = 0;
      entry.since = now;
    }
    return lines;
  }
}
