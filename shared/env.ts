/** Reading typed values from environment variables; every failure names the variable and the rule. */
import { isIP } from 'node:net';

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

/** Collects problems across all variables, so one start-up names every bad value at once. */
export class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const raw = this.env[name]?.trim();
    return raw ? raw : fallback;
  }

  /** An address to listen on: an IPv4 or IPv6 literal (0.0.0.0 or :: for every interface). */
  address(name: string, fallback: string): string {
    const value = this.string(name, fallback);
    this.check(
      name,
      isIP(value) !== 0,
      'must be an IP address to listen on, e.g. 127.0.0.1 (this machine only), 0.0.0.0 (every interface) or ::',
    );
    return value;
  }

  optional(name: string): string | undefined {
    const raw = this.env[name]?.trim();
    return raw ? raw : undefined;
  }

  integer(name: string, fallback: number, min: number, max: number): number {
    return this.number(name, fallback, min, max, true);
  }

  number(name: string, fallback: number, min: number, max: number, integer = false): number {
    const raw = this.env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    const kind = integer ? 'an integer' : 'a number';
    if (!Number.isFinite(value) || (integer && !Number.isInteger(value)) || value < min || value > max) {
      this.problems.push(`${name}=${JSON.stringify(raw)} must be ${kind} from ${min} to ${max}`);
      return fallback;
    }
    return value;
  }

  /** true or false (also 1/0, yes/no); anything else is a problem. */
  boolean(name: string, fallback: boolean): boolean {
    const raw = this.env[name]?.trim().toLowerCase();
    if (!raw) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name}=${JSON.stringify(this.env[name])} must be true or false`);
    return fallback;
  }

  /** Records a problem when not ok; returns ok. The value is shown without secrets (a URL's password, a token). */
  check(name: string, ok: boolean, rule: string): boolean {
    if (!ok) this.problems.push(`${name}=${JSON.stringify(shown(name, this.env[name] ?? ''))} ${rule}`);
    return ok;
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

/**
 * Reads a component's configuration; on a bad value prints every problem, sets exit code 2 and
 * returns null, so the process ends without starting anything.
 */
export function readConfigOrRefuse<T>(component: string, read: () => T): T | null {
  try {
    return read();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(`${component}: ${error.message}`);
    process.exitCode = 2;
    return null;
  }
}

/** A value as an error may show it: secrets hidden. */
function shown(name: string, value: string): string {
  if (/TOKEN|PASSWORD|SECRET/.test(name)) return value === '' ? '' : '***';
  return value.replace(/\/\/([^:/@\s,]+):[^@/\s,]*@/g, '//$1:***@');
}
