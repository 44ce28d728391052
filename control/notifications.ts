/**
 * Notifications, decided without I/O: which events become a notification for which webhook
 * target, the rate limit per target and container, the message bodies (generic JSON, Slack- and
 * Discord-compatible text), and the target list read from WEBHOOKS / WEBHOOKS_FILE. Sending is in
 * webhook-sender.ts.
 */
import { globMatch } from '../shared/glob.js';
import type { StoredEvent } from './event-log.js';

/** What a target can ask to be told of. */
export const NOTIFY_ON = [
  'heal-failed',
  'backoff',
  'host-silent',
  'host-back',
  'host-network',
  'host-budget',
  'notify',
  'heal',
  'label',
  'gave-up',
  'recovered',
] as const;
export type NotifyOn = (typeof NOTIFY_ON)[number];
/** Every kind but each heal (a fleet heals often: the heals that need a person are heal-failed and backoff). */
export const DEFAULT_ON: readonly NotifyOn[] = NOTIFY_ON.filter((on) => on !== 'heal');

/** The channels a target can be (channels.ts makes what each gets). */
export const FORMATS = ['json', 'slack', 'discord', 'ntfy', 'telegram', 'teams', 'pagerduty', 'email'] as const;
export type WebhookFormat = (typeof FORMATS)[number];

export interface WebhookTarget {
  url: string;
  format: WebhookFormat;
  on: readonly NotifyOn[];
  /** Only these hosts; absent: every host. */
  hosts?: readonly string[];
  /** Only containers whose name matches (`*` any run, `?` one character); absent: every container. */
  containers?: string;
  /** telegram: the chat the bot writes to. */
  chatId?: string;
  /** pagerduty: the integration's routing key. */
  routingKey?: string;
  /** email: the addresses to write to (comma-separated), and who it is from. */
  to?: string;
  from?: string;
}

export interface Notification {
  kind: NotifyOn;
  at: string;
  host: string;
  container?: string;
  text: string;
  /** The event it came from (absent for host silent/back, which control sees itself). */
  event?: StoredEvent;
}

/** The notification an event makes, or null when it is not one any target could ask for. */
export function notificationOf(event: StoredEvent): Notification | null {
  const where = event.container ? `${event.container} on ${event.host}` : event.host;
  const base = { at: event.at, host: event.host, ...(event.container ? { container: event.container } : {}), event };
  if (event.type === 'heal') {
    if (event.outcome === 'failed')
      return { ...base, kind: 'heal-failed', text: `${where}: ${event.action ?? 'heal'} failed (${event.reason ?? ''})` };
    if (event.outcome === 'notified')
      return {
        ...base,
        kind: 'notify',
        text: `${where}: would ${event.action ?? 'heal'}, not done (its policy says notify): ${event.reason ?? ''}`,
      };
    if (event.outcome === 'dry-run')
      return { ...base, kind: 'notify', text: `${where}: would ${event.action ?? 'heal'}, not done (observe only): ${event.reason ?? ''}` };
    return {
      ...base,
      kind: 'heal',
      text: `${where}: ${event.action ?? 'heal'} ${event.outcome ?? ''} in ${event.durationMs ?? 0} ms (${event.reason ?? ''})`,
    };
  }
  // A heal a silence held: told (kind notify) only where the silence says notify: true (control holds the rest).
  if (event.type === 'silenced')
    return {
      ...base,
      kind: 'notify',
      text: `${where}: would ${event.action ?? 'heal'}, not done (held by silence ${event.silenceId ?? '?'} until ${event.until ?? '?'}): ${event.reason ?? ''}`,
    };
  if (event.type === 'backoff')
    return { ...base, kind: 'backoff', text: `${where}: too many restarts, held back until ${event.until ?? '?'} (${event.reason ?? ''})` };
  if (event.type === 'host-network') {
    const text =
      event.to === 'broken'
        ? `host ${event.host}: its network path to its containers looks broken (${event.reason ?? ''}); loss restarts are held, containers that are down are still started`
        : `host ${event.host}: its network path is whole again after ${Math.round((event.durationMs ?? 0) / 1000)} s; loss restarts resume`;
    return { ...base, kind: 'host-network', text };
  }
  if (event.type === 'host-budget') {
    const text =
      event.to === 'paused'
        ? `host ${event.host}: restart budget spent (${event.reason ?? ''}); loss restarts pause, containers that are down are still started`
        : `host ${event.host}: restart budget has room again after ${Math.round((event.durationMs ?? 0) / 1000)} s; loss restarts resume`;
    return { ...base, kind: 'host-budget', text };
  }
  if (event.type === 'gave-up') return { ...base, kind: 'gave-up', text: `${where}: the watchdog gave up on it: ${event.reason ?? ''}` };
  if (event.type === 'recovered')
    return {
      ...base,
      kind: 'recovered',
      text: `${where}: recovered, fine again after ${Math.round((event.durationMs ?? 0) / 1000)} s ${event.from ?? 'in trouble'}`,
    };
  if (event.type === 'label')
    return { ...base, kind: 'label', text: `${where}: wrong watchdog labels, ignored: ${(event.problems ?? []).join('; ')}` };
  return null;
}

export function hostNotification(kind: 'host-silent' | 'host-back', host: string, at: number): Notification {
  const text =
    kind === 'host-silent' ? `host ${host} is silent: no heartbeat from its agent` : `host ${host} is back: its agent is heard again`;
  return { kind, at: new Date(at).toISOString(), host, text };
}

/** Hosts that fell silent, and silent ones heard again, since the last look (`before`: silent then). */
export function hostChanges(
  before: ReadonlySet<string>,
  silentNow: readonly string[],
  live: readonly string[],
): { silent: string[]; back: string[] } {
  return { silent: silentNow.filter((h) => !before.has(h)), back: live.filter((h) => before.has(h)) };
}

export function wants(target: WebhookTarget, n: Notification): boolean {
  if (!target.on.includes(n.kind)) return false;
  if (target.hosts && !target.hosts.includes(n.host)) return false;
  if (target.containers !== undefined && (n.container === undefined || !globMatch(target.containers, n.container))) return false;
  return true;
}

/**
 * What the rate limit counts a notification against (with its target): its container, or for a
 * host's own notifications the state it tells, so a change of state always goes (a recovery right
 * after the fault, a host back right after it fell silent) and only repeats of one state are held.
 */
export function rateKey(n: Notification): string {
  // Giving up and recovering are changes of state: they always go, even right after another notification of the container.
  if (n.container !== undefined)
    return n.kind === 'gave-up' || n.kind === 'recovered' ? `${n.host}|${n.container}|${n.kind}` : `${n.host}|${n.container}`;
  const to = n.event?.to;
  return `${n.host}||${n.kind}${to === undefined ? '' : `:${to}`}`;
}

/**
 * At most one notification per target and key (rateKey) within a window; the ones held back are
 * counted and the next one that goes says how many.
 */
export class RateLimit {
  private readonly last = new Map<string, { at: number; held: number }>();

  constructor(private readonly windowMs: number) {}

  /** null: held back; else how many were held back since the last one that went. */
  admit(key: string, now: number): number | null {
    const seen = this.last.get(key);
    if (seen && now - seen.at < this.windowMs) {
      seen.held += 1;
      return null;
    }
    this.last.set(key, { at: now, held: 0 });
    if (this.last.size > 10_000) for (const [k, v] of this.last) if (now - v.at >= this.windowMs) this.last.delete(k);
    return seen?.held ?? 0;
  }
}

/** Where a target posts, without what may be secret (path, query, credentials): for logs. */
export function describeTarget(url: string): string {
  try {
    const { protocol, host } = new URL(url);
    return `${protocol}//${host}`;
  } catch {
    return '(a URL that does not parse)';
  }
}
