/**
 * The messages on the bus and their runtime validation. Every message is a JSON object with a
 * `kind`; parse* functions return the typed message or a reason naming the field and the rule.
 *
 * control -> agents: threshold, list_request, actives
 * agents -> control: list_response, ack (replies, with the request's correlation id), heartbeat
 */
import { CONTAINER_NAME_RULE, isContainerName } from '../shared/container-name.js';

export interface ThresholdCommand {
  kind: 'threshold';
  threshold: number;
}
export interface ListRequest {
  kind: 'list_request';
}
export interface ActivesCommand {
  kind: 'actives';
  hostname: string;
  name: string;
  monitored: boolean;
}
export type Command = ThresholdCommand | ListRequest | ActivesCommand;

export interface ContainerStatus {
  hostname: string;
  name: string;
  /** Docker's state (running, exited, ...), or `absent` for a monitored name with no container. */
  status: string;
  monitored: boolean;
  /** When a restart-storm backoff ends, for a container in backoff. */
  backoffUntil?: string;
}
export interface ListResponse {
  kind: 'list_response';
  hostname: string;
  containers: ContainerStatus[];
}
export interface Ack {
  kind: 'ack';
  hostname: string;
  command: 'threshold' | 'actives';
  ok: boolean;
  /** Why a command was refused: not_found (no such container on this host), invalid, failed. */
  error?: 'not_found' | 'invalid' | 'failed';
  message?: string;
  container?: ContainerStatus;
  threshold?: number;
}
export type Reply = ListResponse | Ack;

export interface Heartbeat {
  kind: 'heartbeat';
  hostname: string;
  sentAt: string;
  threshold: number;
  monitored: number;
  /** True in the agent's last heartbeat when it shuts down. */
  leaving?: boolean;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const HOSTNAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
export const isHostname = (value: unknown): value is string => typeof value === 'string' && HOSTNAME.test(value);
export const HOSTNAME_RULE = 'a host name: a letter or digit, then letters, digits, _ . or - (at most 63)';
export const isThreshold = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 100;

type Fields = Record<string, unknown>;

function decode(body: Buffer | string): Parsed<Fields> {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `body is not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'body must be a JSON object' };
  return { ok: true, value: value as Fields };
}

const fail = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

export function parseCommand(body: Buffer | string): Parsed<Command> {
  const decoded = decode(body);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  switch (m['kind']) {
    case 'threshold':
      if (!isThreshold(m['threshold'])) return fail('threshold: must be a number from 0 to 100');
      return { ok: true, value: { kind: 'threshold', threshold: m['threshold'] } };
    case 'list_request':
      return { ok: true, value: { kind: 'list_request' } };
    case 'actives':
      if (!isHostname(m['hostname'])) return fail(`hostname: must be ${HOSTNAME_RULE}`);
      if (!isContainerName(m['name'])) return fail(`name: must be ${CONTAINER_NAME_RULE}`);
      if (typeof m['monitored'] !== 'boolean') return fail('monitored: must be true or false');
      return { ok: true, value: { kind: 'actives', hostname: m['hostname'], name: m['name'], monitored: m['monitored'] } };
    default:
      return fail(`kind: must be threshold, list_request or actives (got ${JSON.stringify(m['kind'])})`);
  }
}

function isContainerStatus(value: unknown): value is ContainerStatus {
  const c = value as Fields;
  return (
    typeof c === 'object' && c !== null && isHostname(c['hostname']) && typeof c['name'] === 'string' &&
    typeof c['status'] === 'string' && typeof c['monitored'] === 'boolean' &&
    (c['backoffUntil'] === undefined || typeof c['backoffUntil'] === 'string')
  );
}

export function parseReply(body: Buffer | string): Parsed<Reply> {
  const decoded = decode(body);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  if (!isHostname(m['hostname'])) return fail(`hostname: must be ${HOSTNAME_RULE}`);
  if (m['kind'] === 'list_response') {
    if (!Array.isArray(m['containers']) || !m['containers'].every(isContainerStatus)) {
      return fail('containers: must be a list of {hostname, name, status, monitored}');
    }
    return { ok: true, value: m as unknown as ListResponse };
  }
  if (m['kind'] === 'ack') {
    if (m['command'] !== 'threshold' && m['command'] !== 'actives') return fail('command: must be threshold or actives');
    if (typeof m['ok'] !== 'boolean') return fail('ok: must be true or false');
    if (m['container'] !== undefined && !isContainerStatus(m['container'])) return fail('container: must be {hostname, name, status, monitored}');
    return { ok: true, value: m as unknown as Ack };
  }
  return fail(`kind: must be list_response or ack (got ${JSON.stringify(m['kind'])})`);
}

export function parseHeartbeat(body: Buffer | string): Parsed<Heartbeat> {
  const decoded = decode(body);
  if (!decoded.ok) return decoded;
  const m = decoded.value;
  if (m['kind'] !== 'heartbeat') return fail('kind: must be heartbeat');
  if (!isHostname(m['hostname'])) return fail(`hostname: must be ${HOSTNAME_RULE}`);
  if (typeof m['sentAt'] !== 'string' || Number.isNaN(Date.parse(m['sentAt']))) return fail('sentAt: must be an ISO time');
  if (!isThreshold(m['threshold'])) return fail('threshold: must be a number from 0 to 100');
  if (typeof m['monitored'] !== 'number') return fail('monitored: must be a number');
  return { ok: true, value: m as unknown as Heartbeat };
}

export const encode = (message: Command | Reply | Heartbeat): Buffer => Buffer.from(JSON.stringify(message));
