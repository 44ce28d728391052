/**
 * Control's REST API as the page uses it: the same calls as curl and Swagger UI. Every call carries
 * the bearer token when one was given (changes need it with API_TOKEN, reads too with
 * API_READ_TOKEN); a 401 asks the user for it once, then the call is tried again.
 */
import type { Container, Event, Host } from './model.js';
import type { components } from '../api/contract.generated.js';

export type History = components['schemas']['History'];
export type EventPage = components['schemas']['EventPage'];
export type Scorecard = components['schemas']['Scorecard'];
export type ThresholdResult = components['schemas']['ThresholdResult'];
export type ErrorBody = components['schemas']['Error'];
export type PolicyView = components['schemas']['PolicyView'];
export type HostResourceHistory = components['schemas']['HostResourceHistory'];
export type Silence = components['schemas']['Silence'];

const TOKEN_KEY = 'watchdog.apiToken';
/** Longer than control's gather deadline (4 s) with room to spare. */
const REQUEST_TIMEOUT_MS = 15_000;

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody | undefined,
  ) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

export interface Answer<T> {
  status: number;
  body: T;
  headers: Headers;
}

async function call<T>(method: string, path: string, body?: unknown, retried = false): Promise<Answer<T>> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const response = await fetch(path, {
    // A request that never answers must not hold the page's refresh forever (seen in Chromium right after control started).
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...authorization(token) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const parsed = (await response.json().catch(() => undefined)) as T | ErrorBody | undefined;
  if (response.status === 401 && !retried && (await askForToken())) return call(method, path, body, true);
  if (!response.ok && response.status !== 202) throw new ApiFailure(response.status, parsed as ErrorBody | undefined);
  return { status: response.status, body: parsed as T, headers: response.headers };
}

const authorization = (token: string | null): Record<string, string> => (token ? { Authorization: `Bearer ${token}` } : {});

/** One dialog at a time, however many calls were refused at once. */
let asking: Promise<boolean> | null = null;

/** Asks for the API token in a dialog; false when the user cancels. */
function askForToken(): Promise<boolean> {
  asking ??= ask().finally(() => (asking = null));
  return asking;
}

function ask(): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.innerHTML = `<form method="dialog"><h2>API token</h2><p>This control needs a token (<code>API_TOKEN</code> for changes; <code>API_READ_TOKEN</code> or <code>API_TOKEN</code> to read, when it runs with a read token).</p>
      <label>Token <input name="token" type="password" autocomplete="off" required></label>
      <menu><button value="cancel" formnovalidate>Cancel</button><button value="ok">Use it</button></menu></form>`;
    document.body.append(dialog);
    dialog.addEventListener('close', () => {
      const token = (dialog.querySelector('input') as HTMLInputElement).value;
      const ok = dialog.returnValue === 'ok' && token !== '';
      if (ok) sessionStorage.setItem(TOKEN_KEY, token);
      dialog.remove();
      resolve(ok);
    });
    dialog.showModal();
  });
}

const q = (params: Record<string, string | number | undefined>): string => {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') search.set(k, String(v));
  const text = search.toString();
  return text ? `?${text}` : '';
};

export const api = {
  containers: () => call<Container[]>('GET', 'containers'),
  hosts: () => call<Host[]>('GET', 'hosts'),
  silences: () => call<Silence[]>('GET', 'silences'),
  hostResources: (host: string) => call<HostResourceHistory>('GET', `hosts/${encodeURIComponent(host)}/resources`),
  history: (params: { metric: string; host: string; container: string; range: string }) => call<History>('GET', `history${q(params)}`),
  events: (params: { host?: string; container?: string; type?: string; since?: string; limit?: number }) =>
    call<EventPage>('GET', `events${q(params)}`),
  scorecard: (since: string) => call<Scorecard>('GET', `scorecard${q({ since })}`),
  setThreshold: (threshold: number) => call<ThresholdResult>('PUT', 'threshold', threshold),
  policy: (host: string, name: string) =>
    call<PolicyView>('GET', `containers/${encodeURIComponent(host)}/${encodeURIComponent(name)}/policy`),
  monitor: (host: string, name: string, monitored: boolean) =>
    call<Container>(monitored ? 'POST' : 'DELETE', `containers/${encodeURIComponent(host)}/${encodeURIComponent(name)}`),
};

/**
 * New events as they happen (Server-Sent Events), read with fetch so that the token goes along
 * (EventSource cannot send a header); reconnects by itself after 2 s, and asks for the token on a 401.
 */
export function liveEvents(onEvent: (event: Event) => void, onState: (open: boolean) => void): () => void {
  const controller = new AbortController();
  const connect = async (): Promise<void> => {
    try {
      const response = await fetch('events/live', {
        signal: controller.signal,
        headers: { Accept: 'text/event-stream', ...authorization(sessionStorage.getItem(TOKEN_KEY)) },
      });
      if (response.status === 401 && (await askForToken())) return void connect();
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      onState(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        const messages = buffer.split('\n\n');
        buffer = messages.pop() ?? '';
        for (const message of messages) {
          const data = message
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .map((line) => line.slice(6))
            .join('\n');
          if (data) onEvent(JSON.parse(data) as Event);
        }
      }
      throw new Error('the stream ended');
    } catch {
      if (controller.signal.aborted) return;
      onState(false);
      setTimeout(() => void connect(), 2000);
    }
  };
  void connect();
  return () => controller.abort();
}
