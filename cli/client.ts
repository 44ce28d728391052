/**
 * The CLI's way to control: its REST API, with the token, and what an answer means to a script
 * (the exit code). CONTROL_URL and API_TOKEN come from the environment, else the stack's own
 * (npm start: http://localhost:8080, the token in .secrets/api-token).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** What a script can tell apart. */
export const EXIT = { ok: 0, refused: 2, unreachable: 3, partial: 4 } as const;

/** An answer the command cannot call a success: its message says what to do, its code what happened. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly code: number,
    /** The answer's body, when control gave one. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

export interface Connection {
  url: string;
  token: string | undefined;
}

export function connection(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Connection {
  const url = (env['CONTROL_URL'] ?? 'http://localhost:8080').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+/.test(url))
    throw new CliError(`CONTROL_URL must be an http(s) URL such as http://localhost:8080 (got "${url}")`, EXIT.refused);
  return { url, token: env['API_TOKEN'] || stackToken(cwd) };
}

/** The token npm start made, when the CLI runs in the checkout that started the stack. */
function stackToken(cwd: string): string | undefined {
  try {
    return readFileSync(join(cwd, '.secrets', 'api-token'), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

/** One call; an answer that is not a success becomes a CliError with the exit code it means. */
export async function call<T>(c: Connection, method: string, path: string, body?: unknown): Promise<Answer<T>> {
  let response: Response;
  try {
    response = await fetch(`${c.url}${path}`, {
      method,
      headers: {
        ...(c.token ? { Authorization: `Bearer ${c.token}` } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    const why = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new CliError(
      `cannot reach control at ${c.url} (${why}): is it running (npm start)? Set CONTROL_URL to its address.`,
      EXIT.unreachable,
    );
  }
  const text = await response.text();
  const parsed: unknown = text && (response.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text;
  if (response.ok) return { status: response.status, body: parsed as T, headers: response.headers };
  const error = failure(response.status, parsed, c);
  throw new CliError(error.message, error.code, parsed);
}

/**
 * Enrolling or removing a host is an admin's (the token's role, asked of control): an operate or
 * read token is refused before anything is made. The broker's admin login the CLI then uses is
 * what guards the broker itself.
 */
export async function mustBeAdmin(c: Connection, what: string): Promise<void> {
  const { body } = await call<{ name: string; role: string }>(c, 'GET', '/whoami');
  if (body.role !== 'admin')
    throw new CliError(`${what} needs an admin token: API_TOKEN is ${body.name}'s, whose role is ${body.role}`, EXIT.refused);
}

function failure(status: number, body: unknown, c: Connection): CliError {
  const said =
    typeof body === 'object' && body !== null && 'message' in body ? String((body as { message: unknown }).message) : `HTTP ${status}`;
  if (status === 401)
    return new CliError(
      `control refused the call: ${said}. ${c.token ? 'API_TOKEN is not the token control has' : 'Set API_TOKEN'} (npm start prints it; it is kept in .secrets/api-token).`,
      EXIT.refused,
    );
  if (status === 403) return new CliError(`control refused the call: ${said}`, EXIT.refused);
  if (status === 503) return new CliError(`control cannot do it now: ${said}`, EXIT.unreachable);
  if (status === 504) return new CliError(`not confirmed in time: ${said}`, EXIT.partial);
  return new CliError(`refused (${status}): ${said}`, EXIT.refused);
}
