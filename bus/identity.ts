/**
 * Who may do what on the broker. Each side has its own RabbitMQ user: control (commands every
 * agent, reads replies, heartbeats and events), one per agent host, `agent-<hostname>` (reads only
 * its own queues; publishes only replies, heartbeats and events), and the antagonist (publishes
 * only events). The permissions below are RabbitMQ's configure / write / read regular expressions;
 * the stack's and the lab's definitions are made from them. A message's sender is the `user_id`
 * property, which RabbitMQ checks against the connection's user: agents accept commands only from
 * control's user, control accepts a host's heartbeats and replies only from that host's user. No I/O.
 */

import { COMMANDS_EXCHANGE, QUERY_ALL, TO_ALL, queryHost, toHost } from './topology.js';

export const CONTROL_USER = 'control';
export const ANTAGONIST_USER = 'antagonist';
/** The broker user that speaks for one agent host. */
export const agentUser = (hostname: string): string => `agent-${hostname}`;

/** The user of an amqp(s):// URL (decoded); amqplib's default when the URL names none. */
export function userOf(url: string): string {
  try {
    return decodeURIComponent(new URL(url).username) || 'guest';
  } catch {
    return 'guest';
  }
}

export interface Permissions {
  configure: string;
  write: string;
  read: string;
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
const NOTHING = '^$';

/** Control: declares the topology and its own server-named queues, publishes commands (and its stream marker). */
export const CONTROL_PERMISSIONS: Permissions = {
  configure: '^(watchdog\\..*|amq\\.gen-.*)$',
  write: `^(${escape(COMMANDS_EXCHANGE)}|watchdog\\.events|watchdog\\.events\\.stream|amq\\.gen-.*)$`,
  read: '^(watchdog\\.(heartbeats|events|events\\.stream|replies)|amq\\.gen-.*)$',
};

/** One agent: its own two queues (bound to the commands exchange), and the three exchanges it publishes to. */
export function agentPermissions(hostname: string): Permissions {
  const own = `watchdog\\.agent\\.${escape(hostname)}`;
  return {
    configure: `^${own}(\\.commands|\\.queries)?$`,
    write: `^(${own}\\.(commands|queries)|watchdog\\.(replies|heartbeats|events))$`,
    read: `^(${own}\\.(commands|queries)|${escape(COMMANDS_EXCHANGE)})$`,
  };
}

/**
 * Who may tell an event: the agent of the host it names, the antagonist for a fault it
 * injected, and control for a silence it recorded (nobody else for that). Null when `sender` may; else the rule, for the log.
 */
export function eventSenderProblem(sender: string, event: { type: string; host: string }): string | null {
  // Control records the silences (maintenance windows) on the stream, and only it; it tells nothing else there.
  if (event.type === 'silence') return sender === CONTROL_USER ? null : `only ${CONTROL_USER} records silences`;
  if (sender === agentUser(event.host) || (sender === ANTAGONIST_USER && event.type === 'fault')) return null;
  return `${event.type === 'fault' ? `only ${agentUser(event.host)} or ${ANTAGONIST_USER}` : `only ${agentUser(event.host)}`} speaks for that host`;
}

/** RabbitMQ topic permissions: on one topic exchange, the routing keys a user may publish with (write) and bind with (read). */
export interface TopicPermissions {
  exchange: string;
  write: string;
  read: string;
}

/** One agent may bind only its own keys on the commands exchange (all, host.<it>, query.all, query.host.<it>), and publish none. */
export function agentTopicPermissions(hostname: string): TopicPermissions {
  const keys = [TO_ALL, toHost(hostname), QUERY_ALL, queryHost(hostname)].map(escape);
  return { exchange: COMMANDS_EXCHANGE, write: NOTHING, read: `^(${keys.join('|')})$` };
}

/** The antagonist tells each fault to the events exchange, nothing else. */
export const ANTAGONIST_PERMISSIONS: Permissions = { configure: NOTHING, write: '^watchdog\\.events$', read: NOTHING };

/** The broker user RabbitMQ vouches sent a message (its user_id); '' when it names none. */
export const senderOf = (message: { properties: { userId?: unknown } }): string => String(message.properties.userId ?? '');
