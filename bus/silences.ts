/**
 * The digest of the silences a side holds in force: an agent sends it in each heartbeat, and
 * control sends its list again to a host whose digest is not its own (a host that was away,
 * enrolled later, or kept a list from before). No I/O.
 */
import { createHash } from 'node:crypto';
import { inForce, type SilenceScope } from '../shared/silence-match.js';

/** '' for none in force; else 16 hex digits of the sorted ids' SHA-256. */
export function silencesDigest(silences: readonly SilenceScope[], now: number): string {
  const ids = silences
    .filter((s) => inForce(s, now))
    .map((s) => s.id)
    .sort();
  return ids.length === 0 ? '' : createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 16);
}
