/**
 * The broker's definitions (RabbitMQ's JSON import format): the users of `identity.ts` with their
 * permissions, and the exchanges of `topology.ts`. The stack loads them at the broker's boot and
 * the lab imports them, so agents (which may not declare exchanges) find the topology. Passwords
 * go in as RabbitMQ's salted SHA-256 hashes, never in clear.
 */
import { createHash, randomBytes } from 'node:crypto';
import {
  ANTAGONIST_PERMISSIONS,
  ANTAGONIST_USER,
  CONTROL_PERMISSIONS,
  CONTROL_USER,
  agentPermissions,
  agentTopicPermissions,
  agentUser,
  type Permissions,
  type TopicPermissions,
} from './identity.js';
import { COMMANDS_EXCHANGE, EVENTS_EXCHANGE, EVENTS_STREAM, HEARTBEATS_EXCHANGE, REPLIES_EXCHANGE } from './topology.js';

/** The events stream's size limit (RabbitMQ drops its oldest segments past it): 5 GB, some 18 million events. */
export const EVENTS_MAX_BYTES = 5_000_000_000;

export interface BrokerUser {
  name: string;
  password: string;
  /** RabbitMQ tags, e.g. administrator (the management UI and API). */
  tags?: string;
  permissions: Permissions;
  /** Routing keys it may use on topic exchanges (none listed: any). */
  topicPermissions?: TopicPermissions[];
}

export const ADMIN_PERMISSIONS: Permissions = { configure: '.*', write: '.*', read: '.*' };

/** The users of a deployment: an administrator, control, the antagonist and one per agent host. */
export function deploymentUsers(
  passwords: { admin: string; control: string; antagonist: string; agents: Record<string, string> },
  adminName = 'admin',
): BrokerUser[] {
  return [
    { name: adminName, password: passwords.admin, tags: 'administrator', permissions: ADMIN_PERMISSIONS },
    { name: CONTROL_USER, password: passwords.control, permissions: CONTROL_PERMISSIONS },
    { name: ANTAGONIST_USER, password: passwords.antagonist, permissions: ANTAGONIST_PERMISSIONS },
    ...Object.entries(passwords.agents).map(([hostname, password]) => ({
      name: agentUser(hostname),
      password,
      permissions: agentPermissions(hostname),
      topicPermissions: [agentTopicPermissions(hostname)],
    })),
  ];
}

/** rabbit_password_hashing_sha256: base64(salt ++ sha256(salt ++ password)), a 4-byte salt. */
export function passwordHash(password: string, salt: Buffer = randomBytes(4)): string {
  const digest = createHash('sha256')
    .update(Buffer.concat([salt, Buffer.from(password, 'utf8')]))
    .digest();
  return Buffer.concat([salt, digest]).toString('base64');
}

export function brokerDefinitions(users: BrokerUser[]): object {
  const vhost = '/';
  const exchange = (name: string, type: 'direct' | 'fanout' | 'topic') => ({
    name,
    vhost,
    type,
    durable: true,
    auto_delete: false,
    internal: false,
    arguments: {},
  });
  return {
    vhosts: [{ name: vhost }],
    users: users.map((u) => ({
      name: u.name,
      password_hash: passwordHash(u.password),
      hashing_algorithm: 'rabbit_password_hashing_sha256',
      tags: u.tags ?? '',
    })),
    permissions: users.map((u) => ({ user: u.name, vhost, ...u.permissions })),
    topic_permissions: users.flatMap((u) => (u.topicPermissions ?? []).map((t) => ({ user: u.name, vhost, ...t }))),
    exchanges: [
      exchange(COMMANDS_EXCHANGE, 'topic'),
      exchange(REPLIES_EXCHANGE, 'direct'),
      exchange(HEARTBEATS_EXCHANGE, 'fanout'),
      exchange(EVENTS_EXCHANGE, 'fanout'),
    ],
    // The events stream is trimmed by age (control's EVENTS_MAX_AGE) and, by this policy, by size: no traffic grows it without limit.
    policies: [
      {
        vhost,
        name: 'watchdog-events-size',
        pattern: `^${EVENTS_STREAM.replace(/\./g, '\\.')}$`,
        'apply-to': 'queues',
        definition: { 'max-length-bytes': EVENTS_MAX_BYTES },
        priority: 0,
      },
    ],
  };
}
