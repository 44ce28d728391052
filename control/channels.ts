/**
 * What a notification looks like on each channel people use: the HTTP request a target of that
 * format gets (body, content type, headers). Free of I/O; webhook-sender.ts sends it.
 *
 * - json: the notification with its event; slack `{text}`; discord `{content}`.
 * - ntfy: the text as the message to a topic URL, with Title, Priority and Tags headers.
 * - telegram: the Bot API's sendMessage (`chatId` names the chat).
 * - teams: an Adaptive Card, as a Teams Workflows webhook takes it.
 * - pagerduty: an Events API v2 event (`routingKey`): a fault triggers an alert with a dedup key,
 *   its recovery (host back, path whole, budget with room, a heal that worked) resolves it.
 * - email: a message (subject and text) sent over SMTP (emailFor; webhook-sender.ts sends it).
 */
import type { Notification, WebhookTarget } from './notifications.js';

export interface ChannelRequest {
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

/** Faults a person should look at now; their recoveries, and the rest, are less urgent. */
export function severityOf(n: Notification): 'critical' | 'warning' | 'info' {
  if (recovers(n)) return 'info';
  if (n.kind === 'heal-failed' || n.kind === 'gave-up' || n.kind === 'host-silent' || n.kind === 'host-network') return 'critical';
  if (n.kind === 'backoff' || n.kind === 'host-budget' || n.kind === 'label' || n.kind === 'notify') return 'warning';
  return 'info';
}

/** Whether the notification says a fault is over: a host back, its path whole, its budget with room, a heal that worked. */
export function recovers(n: Notification): boolean {
  if (n.kind === 'host-back' || n.kind === 'recovered') return true;
  if (n.kind === 'host-network') return n.event?.to === 'ok';
  if (n.kind === 'host-budget') return n.event?.to !== undefined && n.event.to !== 'paused';
  return n.kind === 'heal' && n.event?.outcome === 'ok';
}

/** What a fault and its recovery share (PagerDuty's dedup key): the host, the container, and the family of the fault. */
export function dedupKey(n: Notification): string {
  const family =
    n.kind === 'host-silent' || n.kind === 'host-back'
      ? 'silent'
      : n.kind === 'host-network' || n.kind === 'host-budget' || n.kind === 'label'
        ? n.kind
        : 'heal';
  return `watchdog/${n.host}/${n.container ?? '-'}/${family}`;
}

/** The dashboard's page of the notification's container (or the fleet), when control knows its public address. */
export function linkOf(n: Notification, publicUrl: string | undefined): string | undefined {
  if (!publicUrl) return undefined;
  const base = publicUrl.replace(/\/+$/, '');
  return n.container ? `${base}/#/c/${encodeURIComponent(n.host)}/${encodeURIComponent(n.container)}` : `${base}/`;
}

export function requestFor(target: WebhookTarget, n: Notification, heldBack: number, publicUrl?: string): ChannelRequest {
  const link = linkOf(n, publicUrl);
  const text = `[watchdog] ${n.text}${heldBack > 0 ? ` (+${heldBack} more held back by the rate limit)` : ''}${link ? ` ${link}` : ''}`;
  const json = (value: object): ChannelRequest => ({ body: JSON.stringify(value), contentType: 'application/json' });
  const severity = severityOf(n);
  switch (target.format) {
    case 'slack':
      return json({ text });
    case 'discord':
      return json({ content: text.slice(0, 2000) });
    case 'ntfy':
      return {
        body: text,
        contentType: 'text/plain; charset=utf-8',
        headers: {
          Title: `watchdog: ${n.kind} on ${n.host}`,
          Priority: severity === 'critical' ? 'urgent' : severity === 'warning' ? 'high' : 'default',
          Tags: recovers(n) ? 'white_check_mark' : severity === 'critical' ? 'rotating_light' : 'warning',
          ...(link ? { Click: link } : {}),
        },
      };
    case 'telegram':
      return json({ chat_id: target.chatId, text: text.slice(0, 4096), disable_web_page_preview: true });
    case 'teams':
      return json({
        type: 'message',
        attachments: [
          {
            contentType: 'application/vnd.microsoft.card.adaptive',
            content: {
              $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
              type: 'AdaptiveCard',
              version: '1.4',
              body: [
                {
                  type: 'TextBlock',
                  text: `watchdog: ${n.kind} on ${n.host}`,
                  weight: 'Bolder',
                  color: severity === 'critical' ? 'Attention' : 'Default',
                },
                { type: 'TextBlock', text, wrap: true },
              ],
              ...(link ? { actions: [{ type: 'Action.OpenUrl', title: 'Open in the dashboard', url: link }] } : {}),
            },
          },
        ],
      });
    case 'pagerduty':
      return json({
        routing_key: target.routingKey,
        event_action: recovers(n) ? 'resolve' : 'trigger',
        dedup_key: dedupKey(n),
        payload: {
          summary: text.slice(0, 1024),
          source: n.host,
          severity,
          timestamp: n.at,
          ...(n.container ? { component: n.container } : {}),
          class: n.kind,
          ...(n.event ? { custom_details: n.event } : {}),
        },
        ...(link ? { links: [{ href: link, text: 'Open in the dashboard' }] } : {}),
      });
    case 'email':
      throw new Error('an email is made by emailFor, not requestFor');
    case 'json': {
      const { event, ...rest } = n;
      return json({ ...rest, severity, text, heldBack, ...(link ? { link } : {}), ...(event ? { event } : {}) });
    }
  }
}

export interface EmailMessage {
  subject: string;
  text: string;
}

/** An email: what happened in the subject; the text, the evidence the event carries, and the link in the body. */
export function emailFor(n: Notification, heldBack: number, publicUrl?: string): EmailMessage {
  const link = linkOf(n, publicUrl);
  const where = n.container ? `${n.container} on ${n.host}` : n.host;
  const event = n.event ? Object.entries(n.event).map(([k, v]) => `  ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`) : [];
  return {
    subject: `[watchdog] ${recovers(n) ? 'recovered' : severityOf(n)}: ${n.kind} - ${where}`,
    text: [
      n.text,
      ...(heldBack > 0 ? [`(${heldBack} more held back by the rate limit)`] : []),
      ...(event.length ? ['', 'The event:', ...event] : []),
      ...(link ? ['', `In the dashboard: ${link}`] : []),
      '',
    ].join('\n'),
  };
}
