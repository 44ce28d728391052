/** `watchdog events`: the latest events, or new ones as they come. */
import { call, CliError, EXIT, type Connection } from './client.js';
import { query, type Io } from './commands.js';
import type { EventPage } from '../api/contract.generated.js';
import type { Paint } from './table.js';

export interface EventOptions {
  host?: string;
  container?: string;
  type?: string;
  limit?: string;
}

/** The latest events, oldest first (as a log reads); their ids into `printed` when given. */
export async function latest(c: Connection, io: Io, options: EventOptions, printed?: Set<string>): Promise<number> {
  const page = await call<EventPage>(c, 'GET', `/events?${query({ ...options, limit: options.limit ?? '20' })}`);
  const list = [...page.body.events].reverse();
  for (const event of list) {
    printed?.add(String(event.id));
    io.out(io.json ? JSON.stringify(event) : eventLine(event as Record<string, unknown>, io.paint));
  }
  return EXIT.ok;
}

/**
 * As tail -f: the latest events, then new ones as they come (GET /events/live), until the stream
 * ends or the process is stopped. The live stream is open before the latest are read, so nothing
 * falls between the two; an event in both is printed once.
 */
export async function follow(c: Connection, io: Io, options: EventOptions, signal?: AbortSignal): Promise<number> {
  let response: Response;
  try {
    const { limit: _latestOnly, ...live } = options;
    response = await fetch(`${c.url}/events/live?${query(live)}`, {
      headers: c.token ? { Authorization: `Bearer ${c.token}` } : {},
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (signal?.aborted) return EXIT.ok;
    throw new CliError(`cannot reach control at ${c.url} (${(error as Error).message}): is it running (npm start)?`, EXIT.unreachable);
  }
  if (!response.ok || !response.body)
    throw new CliError(`control refused the live events (${response.status}): ${await response.text()}`, EXIT.refused);
  const printed = new Set<string>();
  await latest(c, io, options, printed);
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of response.body) {
      buffer += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split('\n').find((l) => l.startsWith('data: '));
        if (!data) continue;
        const event = JSON.parse(data.slice(6)) as Record<string, unknown>;
        if (printed.has(String(event['id']))) continue;
        io.out(io.json ? JSON.stringify(event) : eventLine(event, io.paint));
      }
    }
  } catch (error) {
    if (!signal?.aborted) throw new CliError(`the live events stopped: ${(error as Error).message}`, EXIT.unreachable);
  }
  return EXIT.ok;
}

function eventLine(e: Record<string, unknown>, paint: Paint): string {
  const where = [e['host'], e['container']].filter(Boolean).join('/');
  const what = [e['type'], e['fault'] ?? e['action'] ?? e['command'] ?? e['to'], e['outcome']].filter(Boolean).join(' ');
  const said =
    [e['reason'] ?? e['detail'] ?? e['text'], e['by'] === undefined ? undefined : `(by ${String(e['by'])})`]
      .filter((part) => part !== undefined)
      .join(' ') || undefined;
  const why =
    said ??
    (e['exitCode'] !== undefined
      ? `exit code ${String(e['exitCode'])}`
      : e['lossPercent'] !== undefined
        ? `${String(e['lossPercent'])} % loss`
        : '');
  const colour = e['outcome'] === 'failed' ? 'red' : e['type'] === 'fault' ? 'yellow' : 'dim';
  return `${String(e['at'])}  ${paint(what, colour)}  ${where}${why ? `  ${String(why)}` : ''}`;
}
