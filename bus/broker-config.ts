/**
 * How a side reaches the broker, as every side reads it: `AMQP_URL`, one URL or a comma-separated
 * list of a cluster's nodes (the same user on each), and TLS to the broker (`amqps://`): the CA that signed the broker's certificate, and optionally this
 * side's client certificate and key, read from files at start. Every side (agent, control,
 * antagonist) reads the same variables; a missing or unreadable file stops it with the variable's name.
 */
import { readFileSync } from 'node:fs';
import amqp from 'amqplib';
import type { EnvReader } from '../shared/env.js';
import { brokerUrls, type Dial } from './connection.js';
import { userOf } from './identity.js';

export interface BrokerTls {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/** Checks an AMQP_URL value: every URL of the list amqp:// or amqps://, one user for all; true when it is good. */
export function checkBrokerUrls(read: EnvReader, text: string): boolean {
  const urls = brokerUrls(text);
  if (
    !read.check(
      'AMQP_URL',
      urls.length > 0 && urls.every((u) => /^amqps?:\/\/[^\s,]+$/.test(u)),
      'must be an amqp:// or amqps:// URL, or a comma-separated list of them (the nodes of a cluster)',
    )
  )
    return false;
  return read.check('AMQP_URL', new Set(urls.map(userOf)).size === 1, 'must log in as the same user on every node');
}

function readFile(read: EnvReader, name: string): Buffer | undefined {
  const path = read.optional(name);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    read.check(name, false, `cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    return undefined;
  }
}

/** AMQP_CA_FILE, AMQP_CERT_FILE, AMQP_KEY_FILE: only with an amqps:// URL; certificate and key together. */
export function readBrokerTls(read: EnvReader, url: string | undefined): BrokerTls {
  const tls = { ca: readFile(read, 'AMQP_CA_FILE'), cert: readFile(read, 'AMQP_CERT_FILE'), key: readFile(read, 'AMQP_KEY_FILE') };
  const given = ['AMQP_CA_FILE', 'AMQP_CERT_FILE', 'AMQP_KEY_FILE'].filter((name) => read.optional(name) !== undefined);
  for (const name of given)
    read.check(name, url !== undefined && brokerUrls(url).every((u) => u.startsWith('amqps://')), 'needs an amqps:// AMQP_URL (TLS)');
  read.check(
    'AMQP_KEY_FILE',
    (read.optional('AMQP_CERT_FILE') === undefined) === (read.optional('AMQP_KEY_FILE') === undefined),
    'and AMQP_CERT_FILE go together (a client certificate and its key)',
  );
  return Object.fromEntries(Object.entries(tls).filter(([, v]) => v !== undefined));
}

/** amqplib's connect with the TLS files (node's tls.connect options: the CA replaces the system's). */
export function dialWithTls(tls: BrokerTls): Dial {
  return (url, options) => amqp.connect(url, { ...options, ...tls });
}
