/** The notification targets control is given (WEBHOOKS or WEBHOOKS_FILE), read and checked. Free of I/O. */
import { DEFAULT_ON, FORMATS, NOTIFY_ON, type NotifyOn, type WebhookFormat, type WebhookTarget } from './notifications.js';

/** An email address, loosely: something@somewhere.tld. */
const EMAIL = /^[^\s@,]+@[^\s@,]+\.[^\s@,]+$/;

/** WEBHOOKS (JSON) or WEBHOOKS_FILE (a path to the same JSON): a list of targets. Throws naming what is wrong. */
export function parseTargets(text: string): WebhookTarget[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`not JSON (${(error as Error).message})`, { cause: error });
  }
  if (!Array.isArray(value)) throw new Error('must be a JSON array of targets, e.g. [{"url":"https://hooks.example/x","format":"slack"}]');
  return value.map((raw, i) => {
    const at = `target ${i + 1}`;
    if (typeof raw !== 'object' || raw === null) throw new Error(`${at}: must be an object`);
    const t = raw as Record<string, unknown>;
    for (const key of Object.keys(t))
      if (!['url', 'format', 'on', 'hosts', 'containers', 'chatId', 'routingKey', 'to', 'from'].includes(key))
        throw new Error(`${at}: ${key}: not a field (url, format, on, hosts, containers, chatId, routingKey, to, from)`);
    const format = t['format'] ?? 'json';
    if (format === 'email') {
      if (typeof t['url'] !== 'string' || !/^smtps?:\/\/[^\s]+$/.test(t['url']))
        throw new Error(
          `${at}: url: email needs an smtp:// or smtps:// URL (smtp://user:password@mail.example:587; smtps:// for TLS from the start)`,
        );
      if (typeof t['to'] !== 'string' || !t['to'].split(',').every((a) => EMAIL.test(a.trim())))
        throw new Error(`${at}: to: email needs the addresses to write to (ops@example.com, comma-separated)`);
      if (t['from'] !== undefined && (typeof t['from'] !== 'string' || !EMAIL.test(t['from'])))
        throw new Error(`${at}: from: must be an email address`);
    } else if (typeof t['url'] !== 'string' || !/^https?:\/\/[^\s]+$/.test(t['url']))
      throw new Error(`${at}: url: must be an http:// or https:// URL`);
    if (!(FORMATS as readonly unknown[]).includes(format)) throw new Error(`${at}: format: must be ${FORMATS.join(', ')}`);
    const chatId = t['chatId'];
    if (format === 'telegram' && (typeof chatId !== 'string' || !/^-?\d{1,20}$|^@\w{5,32}$/.test(chatId)))
      throw new Error(`${at}: chatId: telegram needs the chat's id ("-100123..." or "@channelname")`);
    const routingKey = t['routingKey'];
    if (format === 'pagerduty' && (typeof routingKey !== 'string' || !/^[A-Za-z0-9]{32}$/.test(routingKey)))
      throw new Error(`${at}: routingKey: pagerduty needs the integration's 32-character routing key`);
    const on = t['on'] ?? DEFAULT_ON;
    if (!Array.isArray(on) || on.length === 0 || !on.every((o) => (NOTIFY_ON as readonly unknown[]).includes(o)))
      throw new Error(`${at}: on: must be a list of ${NOTIFY_ON.join(', ')}`);
    const hosts = t['hosts'];
    if (hosts !== undefined && (!Array.isArray(hosts) || !hosts.every((h) => typeof h === 'string')))
      throw new Error(`${at}: hosts: must be a list of host names`);
    const containers = t['containers'];
    if (containers !== undefined && (typeof containers !== 'string' || !/^[a-zA-Z0-9_.*?-]{1,128}$/.test(containers)))
      throw new Error(`${at}: containers: must be a name pattern (* any run, ? one character)`);
    return {
      url: t['url'],
      format: format as WebhookFormat,
      on: on as NotifyOn[],
      ...(format === 'telegram' ? { chatId: chatId as string } : {}),
      ...(format === 'pagerduty' ? { routingKey: routingKey as string } : {}),
      ...(format === 'email' ? { to: t['to'] as string, from: (t['from'] as string | undefined) ?? 'watchdog@localhost' } : {}),
      ...(hosts ? { hosts: hosts as string[] } : {}),
      ...(containers ? { containers: containers as string } : {}),
    };
  });
}
