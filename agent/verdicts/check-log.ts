/** The log lines of checks: one per verdict a container gets (with its reason), one per check that failed, one per cycle. */
import { errorMessage } from '../../shared/errors.js';
import type { Log } from '../ports.js';

export class CheckLog {
  constructor(private readonly log: Log) {}

  verdict(name: string, verdict: string, reason: string, extra: object = {}): void {
    this.log.info(`${name}: ${verdict} (${reason})`, { kind: 'check', container: name, verdict, reason, ...extra });
  }

  failed(name: string, error: unknown): void {
    const reason = errorMessage(error);
    this.log.error(`${name}: check failed: ${reason}`, { kind: 'check', container: name, verdict: 'error', reason });
  }

  /** A cycle's end; one that took longer than the interval is a warning (the next one starts at once). */
  cycle(report: { checked: number; probed: number; durationMs: number; overran: boolean }, intervalMs: number): void {
    const { checked, durationMs, overran } = report;
    const fields = { kind: 'cycle', ...report, intervalMs };
    if (overran) this.log.warn(`cycle took ${durationMs} ms, longer than the ${intervalMs} ms interval; the next one starts now`, fields);
    else this.log.info(`cycle checked ${checked} container(s) in ${durationMs} ms`, fields);
  }

  /** Wrong `watchdog.*` labels of a container: ignored, the host's defaults apply instead. */
  labelProblems(name: string, problems: string[]): void {
    const message = `${name}: wrong watchdog labels, ignored (the host's defaults apply instead): ${problems.join('; ')}`;
    this.log.warn(message, { kind: 'label', container: name, problems });
  }
}
