/**
 * Which silence holds a container: the rule agents (holding heals), control (holding
 * notifications) and the dashboard (its badges) share. A silence is in force until its `until`;
 * it names hosts (absent: every host) and a name pattern (`*` any run, `?` one character). No I/O.
 */
import { globMatch } from './glob.js';

export interface SilenceScope {
  id: string;
  hosts?: readonly string[];
  containers: string;
  /** RFC 3339. */
  until: string;
}

export const inForce = (silence: SilenceScope, now: number): boolean => Date.parse(silence.until) > now;

export const coversHost = (silence: SilenceScope, host: string): boolean => silence.hosts === undefined || silence.hosts.includes(host);

/** The silences in force that hold this container of this host, soonest to end first. */
export function silencesOf<S extends SilenceScope>(silences: readonly S[], host: string, container: string, now: number): S[] {
  return holding(
    silences.filter((s) => coversHost(s, host)),
    container,
    now,
  );
}

/** Of silences already known to cover the host (an agent keeps only its own), those in force that hold the container, soonest to end first. */
export function holding<S extends SilenceScope>(silences: readonly S[], container: string, now: number): S[] {
  return silences
    .filter((s) => inForce(s, now) && globMatch(s.containers, container))
    .sort((a, b) => Date.parse(a.until) - Date.parse(b.until));
}

/** The silences in force that hold the whole host (`*`): they also hold its own notifications. */
export function hostSilencesOf<S extends SilenceScope>(silences: readonly S[], host: string, now: number): S[] {
  return silences.filter((s) => inForce(s, now) && coversHost(s, host) && s.containers.split('').every((c) => c === '*'));
}
