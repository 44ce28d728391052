/**
 * Who is calling: the API's tokens, each with a name (what the audit log says did it) and a role.
 * `read` reads, `operate` also changes thresholds, monitoring, policies and observe-only, `admin`
 * also enrols and removes hosts. API_TOKEN is an admin token named "api", API_READ_TOKEN a read
 * token named "api-read", API_TOKENS_FILE names more. No I/O.
 */
import { timingSafeEqual } from 'node:crypto';

export const ROLES = ['read', 'operate', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface Caller {
  name: string;
  role: Role;
}

export interface NamedToken extends Caller {
  token: string;
}

/** Anyone, when no token is set at all: changes are open (control says so at start) and the audit log says "api". */
export const ANYONE: Caller = { name: 'api', role: 'admin' };

const NAME = /^[a-zA-Z0-9_.@-]{1,64}$/;
const MIN_TOKEN_LENGTH = 16;

export class Tokens {
  private readonly tokens: { caller: Caller; secret: Buffer }[];

  constructor(named: readonly NamedToken[]) {
    this.tokens = named.map(({ name, role, token }) => ({ caller: { name, role }, secret: Buffer.from(token) }));
  }

  /** No token at all: every call is allowed. */
  get open(): boolean {
    return this.tokens.length === 0;
  }

  /** A read token exists: reads need a token too (any of them). */
  get readsClosed(): boolean {
    return this.tokens.some((t) => t.caller.role === 'read');
  }

  /** The caller a request's Authorization header names, or null (no token, or none of ours). */
  identify(header: string | undefined): Caller | null {
    // The scheme is case-insensitive in HTTP: "bearer" is "Bearer".
    const presented = Buffer.from(/^Bearer +(.+)$/i.exec(header ?? '')?.[1] ?? '');
    let found: Caller | null = null;
    // Every token is compared, in constant time each: how long it takes says nothing of which matched.
    for (const { caller, secret } of this.tokens)
      if (presented.length === secret.length && timingSafeEqual(presented, secret)) found = caller;
    return found;
  }
}

/** May this caller make changes (operate or admin)? */
export const mayChange = (caller: Caller): boolean => caller.role !== 'read';

/**
 * The tokens of API_TOKENS_FILE (a JSON array of {name, role, token}) beside API_TOKEN and
 * API_READ_TOKEN; a problem is a sentence that never repeats a token.
 */
export function parseTokens(
  text: string | undefined,
  apiToken: string | undefined,
  apiReadToken: string | undefined,
): NamedToken[] | string {
  const tokens: NamedToken[] = [];
  if (apiToken !== undefined) tokens.push({ name: 'api', role: 'admin', token: apiToken });
  if (apiReadToken !== undefined) tokens.push({ name: 'api-read', role: 'read', token: apiReadToken });
  if (text === undefined) return tokens;
  let listed: unknown;
  try {
    listed = JSON.parse(text);
  } catch {
    return 'must hold JSON: an array of {"name", "role", "token"}';
  }
  if (!Array.isArray(listed) || listed.length === 0) return 'must hold a JSON array of {"name", "role", "token"}, at least one';
  for (const [i, entry] of listed.entries()) {
    const { name, role, token, ...rest } = (entry ?? {}) as Record<string, unknown>;
    const at = `entry ${i + 1}`;
    if (typeof name !== 'string' || !NAME.test(name)) return `${at}: name must be 1 to 64 letters, digits or _.@-`;
    if (Object.keys(rest).length > 0) return `${at} (${name}): unknown field ${Object.keys(rest)[0]} (name, role and token only)`;
    if (!ROLES.includes(role as Role)) return `${at} (${name}): role must be read, operate or admin`;
    if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH || /\s/.test(token))
      return `${at} (${name}): token must be at least ${MIN_TOKEN_LENGTH} characters, no spaces (openssl rand -hex 24 makes one)`;
    if (tokens.some((t) => t.name === name))
      return `${at}: the name ${name} is taken${name.startsWith('api') ? ' (api is API_TOKEN, api-read API_READ_TOKEN)' : ''}`;
    if (tokens.some((t) => t.token === token)) return `${at} (${name}): its token is another's too; each token must be its own`;
    tokens.push({ name, role: role as Role, token });
  }
  return tokens;
}
