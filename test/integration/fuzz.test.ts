/**
 * A spec-driven fuzzer, kept in the suite (issue 26): requests made from openapi.yaml's own
 * operations and parameter schemas, valid ones and hostile mutations of them (wrong types, out of
 * range, overlong, hostile globs, broken escapes, hex and exponent numbers, loose dates, repeated
 * and unknown parameters, wrong content types), sent to a real control with a real broker, agent
 * and engine. Every answer must be one openapi.yaml documents for its operation (lab/http.ts checks
 * status and body), never a 500; every 400 names its details; none takes longer than a generous
 * bound; and the invalid changes change nothing on the agent.
 *
 * FUZZ_COUNT (default 600) bounds the requests of each phase; FUZZ_SEED replays a run (printed).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, it } from 'node:test';
import { parse } from 'yaml';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http, type HttpResult } from '../../lab/http.js';
import { waitFor } from '../../lab/wait.js';
import { seeded } from '../support/seeded.js';

const TOKEN = `fuzz-${runId}`;
const host = `fuzz-${runId}`;
const target = uniqueName('fuzz');
const COUNT = Number(process.env['FUZZ_COUNT'] ?? 600);
const SEED = Number(process.env['FUZZ_SEED'] ?? Math.floor(Math.random() * 2 ** 31));
/** A hang, not a timing target: the gather deadline here is 1.5 s. */
const SLOWEST_MS = 10_000;

interface Parameter {
  name: string;
  in: 'path' | 'query';
  schema: { type?: string; pattern?: string; enum?: string[]; minimum?: number; maximum?: number; format?: string; $ref?: string };
}
interface Operation {
  method: string;
  path: string;
  id: string;
  parameters: Parameter[];
  body: boolean;
}

type SpecParameter = Parameter | { $ref: string };
type PathItem = Record<string, { operationId?: string; parameters?: SpecParameter[]; requestBody?: unknown }> & {
  parameters?: SpecParameter[];
};
const spec = parse(readFileSync(new URL('../../openapi.yaml', import.meta.url), 'utf8')) as {
  paths: Record<string, PathItem>;
  components: { parameters: Record<string, Parameter> };
};
const resolve = (p: SpecParameter): Parameter =>
  '$ref' in p && !('name' in p) ? (spec.components.parameters[p.$ref.split('/').pop() ?? ''] as Parameter) : (p as Parameter);
const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, item]) =>
  Object.entries(item).flatMap(([method, op]) =>
    method !== 'parameters' && !Array.isArray(op) && op.operationId
      ? [
          {
            method: method.toUpperCase(),
            path,
            id: op.operationId,
            parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])].map(resolve),
            body: op.requestBody !== undefined,
          },
        ]
      : [],
  ),
);
const changes = operations.filter((o) => o.method !== 'GET');
const reads = operations.filter((o) => o.method === 'GET');

const random = seeded(SEED);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
const chance = (p: number): boolean => random() < p;
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));

const NAME_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';
const validName = (): string =>
  Array.from({ length: int(1, 12) }, (_, i) => (i > 0 && chance(0.1) ? pick(['-', '_', '.']) : pick([...NAME_CHARS]))).join('');
const EVENT_TYPES = ['heal', 'backoff', 'verdict', 'death', 'command', 'fault', 'label', 'host-network', 'host-budget'];
const STATES = ['created', 'running', 'paused', 'restarting', 'removing', 'exited', 'dead', 'absent'];
const METRICS = ['loss', 'rtt', 'rttMin', 'rttMax', 'cpu', 'memory', 'networkRx', 'networkTx', 'restarts'];
const someOf = (items: string[]): string => [...new Set(Array.from({ length: int(1, 3) }, () => pick(items)))].join(',');
const time = (): string => new Date(Date.now() - int(0, 7200) * 1000).toISOString();

/** A value the parameter's schema allows. */
function valid(p: Parameter): string {
  switch (p.name) {
    case 'hostname':
    case 'host':
      return pick([host, host, validName()]);
    case 'containerName':
    case 'container':
      return pick([target, target, validName()]);
    case 'status':
      return someOf(STATES);
    case 'type':
      return someOf(EVENT_TYPES);
    case 'monitored':
      return pick(['true', 'false']);
    case 'name':
      return pick(['*', `${target.slice(0, 4)}*`, '*x*y*', '?'.repeat(int(1, 8)), validName()]);
    case 'metric':
      return pick(METRICS);
    case 'range':
      return `${int(1, 90)}${pick(['s', 'm', 'h', 'd'])}`;
    case 'before':
      return String(int(0, 10_000));
    case 'since':
    case 'until':
    case 'from':
    case 'to':
      return time();
    default:
      if (p.schema.type === 'integer') return String(int(p.schema.minimum ?? 0, Math.min(p.schema.maximum ?? 1000, 100_000)));
      return validName();
  }
}

/** Values no parameter of this API allows, and some that look almost right. */
const HOSTILE = [
  '',
  ' ',
  '-x',
  '.',
  '..',
  'x'.repeat(200),
  'x'.repeat(5000),
  '0x10',
  '1e3',
  '-1',
  '1.5',
  '99999999999999999999',
  'NaN',
  'Infinity',
  '2026-13-45T99:99:99Z',
  '1',
  '2026-12-07',
  'yesterday',
  `${'*'.repeat(20)}x`,
  '?*'.repeat(64),
  '%',
  '%ZZ',
  '%00',
  '%2e%2e%2f',
  '<script>',
  'héllo',
  'a b',
  'true,false',
  'running,,exited',
  'heal;drop',
];

/** A path with its parameters filled; an invalid one breaks one path segment. */
function pathOf(op: Operation, breakOne: boolean): string {
  const params = op.parameters.filter((p) => p.in === 'path');
  const broken = breakOne && params.length > 0 ? pick(params).name : null;
  return op.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (name !== broken) return encodeURIComponent(valid(params.find((p) => p.name === name) as Parameter));
    // Only values that are not names: '1.5' or 'NaN' name a container nobody has (a valid call, answered 404 or, unmonitoring, 200).
    const value = pick(HOSTILE.filter((v) => v !== '' && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/.test(v)));
    return value.startsWith('%') ? value : encodeURIComponent(value);
  });
}

function queryOf(op: Operation, mutate: boolean): string {
  const query = new URLSearchParams();
  for (const p of op.parameters.filter((x) => x.in === 'query')) if (p.name === 'metric' || chance(0.5)) query.append(p.name, valid(p));
  if (mutate) {
    const kind = int(0, 2);
    const params = op.parameters.filter((x) => x.in === 'query');
    if (kind === 0 && params.length > 0) query.set(pick(params).name, pick(HOSTILE));
    else if (kind === 1 && params.length > 0) {
      const p = pick(params);
      query.append(p.name, valid(p));
      query.append(p.name, valid(p));
    } else query.append(pick(['x', 'limit2', 'debug', '__proto__', 'constructor']), pick(HOSTILE));
  }
  const text = query.toString();
  return text ? `?${text}` : '';
}

const POLICY_FIELDS: Record<string, () => unknown> = {
  threshold: () => int(0, 100),
  stopTimeoutSec: () => int(0, 300),
  restartLimit: () => int(1, 1000),
  action: () => pick(['restart', 'notify', 'none']),
};
function validBody(op: Operation): string {
  if (op.id === 'setThreshold') return String(int(0, 100));
  if (op.id === 'setDryRun') return JSON.stringify({ dryRun: false, ...(chance(0.5) ? { hostname: host } : {}) });
  // A real silence, of names nobody has, on this test's host only, ending within a minute: other tests' agents never hear of it.
  if (op.id === 'createSilence')
    return JSON.stringify({
      hosts: [host],
      containers: pick(['zz-fuzz-*', 'zz-fuzz-?', 'zz-fuzz.none']),
      until: new Date(Date.now() + int(5, 60) * 1000).toISOString(),
      reason: pick(['fuzz', 'x'.repeat(500), 'ünïcode ✓']),
      ...(chance(0.5) ? { heal: chance(0.5), notify: chance(0.5) } : {}),
    });
  return JSON.stringify(
    Object.fromEntries(
      Object.entries(POLICY_FIELDS)
        .filter(() => chance(0.5))
        .map(([k, v]) => [k, v()]),
    ),
  );
}
const HOSTILE_BODIES = [
  '',
  '101',
  '-1',
  '"50"',
  '{}',
  '[50]',
  'null',
  'true',
  '1e400',
  'NaN',
  '{"threshold":"x"}',
  '{"dryRun":"yes"}',
  '{"dryRun":true,"extra":1}',
  '{"threshold":101}',
  '{"restartLimit":0}',
  '{"action":"explode"}',
  '{"__proto__":{"x":1}}',
  '{',
  '{"a":'.repeat(500),
  `"${'x'.repeat(15_000)}"`,
  '\u0000',
];

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** One request; an invalid one (`mutate`) breaks one thing: a path segment, the query, the body, its type or its token. */
function request(op: Operation, mutate: boolean): Sent {
  const has = (where: string): boolean => op.parameters.some((p) => p.in === where);
  const breakable = [
    ...(has('path') ? ['path'] : []),
    ...(op.method === 'GET' ? ['query', 'query'] : []),
    ...(op.body ? ['body', 'body', 'type'] : []),
    ...(op.method !== 'GET' ? ['token'] : []),
  ];
  const what = mutate ? pick(breakable) : 'none';
  const path = pathOf(op, what === 'path');
  const url = `${control.url}${path}${op.method === 'GET' ? queryOf(op, what === 'query') : ''}`;
  const headers: Record<string, string> =
    op.method === 'GET' ? {} : { Authorization: `Bearer ${what === 'token' ? pick(['', 'wrong', `${TOKEN}x`]) : TOKEN}` };
  if (!op.body) return { method: op.method, url, headers };
  // '{}' is a valid policy (it removes the API's): hostile for the other two only.
  const body = what === 'body' ? pick(HOSTILE_BODIES.filter((b) => !(op.id === 'setPolicy' && b === '{}'))) : validBody(op);
  headers['Content-Type'] =
    what === 'type' ? pick(['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) : 'application/json';
  return { method: op.method, url, headers, body };
}

let control: ControlProcess;
let agent: AgentProcess;

/** What an invalid change must not touch: the host's threshold and mode, and the target's monitoring and API policy. */
async function agentState(): Promise<string> {
  const hosts = (await http<{ hostname: string; threshold: number; dryRun?: boolean }[]>('GET', `${control.url}/hosts`)).body.find(
    (h) => h.hostname === host,
  );
  const policy = (await http<{ monitored: boolean; api: object }>('GET', `${control.url}/containers/${host}/${target}/policy`)).body;
  return JSON.stringify({ threshold: hosts?.threshold, dryRun: hosts?.dryRun ?? false, monitored: policy.monitored, api: policy.api });
}

async function send(sent: Sent): Promise<HttpResult<{ error?: string; details?: unknown[] }>> {
  // The live stream never ends: HEAD is its fuzzable form (the same validation, the headers only).
  const method = sent.method === 'GET' && new URL(sent.url).pathname === '/events/live' ? 'HEAD' : sent.method;
  try {
    return await http(method, sent.url, { headers: sent.headers, ...(sent.body !== undefined ? { body: sent.body } : {}) });
  } catch (error) {
    throw new Error(`FUZZ_SEED=${SEED}: ${method} ${sent.url} ${sent.body?.slice(0, 80) ?? ''}: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

function judge(sent: Sent, answer: HttpResult<{ error?: string; details?: unknown[] }>): void {
  const what = `FUZZ_SEED=${SEED}: ${sent.method} ${sent.url.slice(0, 200)} ${sent.headers['Content-Type'] ?? ''} ${sent.body?.slice(0, 80) ?? ''} -> ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`;
  assert.ok(answer.status !== 500, what);
  assert.ok(answer.ms < SLOWEST_MS, `${what} took ${Math.round(answer.ms)} ms`);
  if (answer.status === 400 && (answer.body as unknown) !== '')
    assert.ok(Array.isArray(answer.body.details) && answer.body.details.length > 0, `a 400 without details: ${what}`);
}

before(async () => {
  await createTarget(target);
  control = await startControl({ API_TOKEN: TOKEN, GATHER_TIMEOUT_MS: '1500' });
  agent = startAgent({
    AMQP_URL: agentBrokerUrl(host),
    AGENT_HOSTNAME: host,
    MONITORED: target,
    CHECK_INTERVAL_MS: '1000',
    LOSS_THRESHOLD: '60',
  });
  await waitFor(
    'the agent to be live',
    async () =>
      (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
    20_000,
    100,
  );
  console.log(`fuzz: FUZZ_SEED=${SEED}, ${COUNT} requests a phase over ${operations.length} operations`);
});

after(async () => {
  await Promise.all([agent?.stop(), control?.stop()]);
  await deleteAgentQueues([host]);
  await removeRunContainers();
});

it('hostile reads and invalid changes: every answer documented, no 500, every 400 with details, and nothing changes', async () => {
  const before = await agentState();
  const statuses = new Map<number, number>();
  for (let i = 0; i < COUNT; i++) {
    const sent = chance(0.5) ? request(pick(reads), chance(0.7)) : request(pick(changes), true);
    const answer = await send(sent);
    judge(sent, answer);
    // An invalid change is refused before it is sent: 400, 401, 404 (a path that names nothing), 413 or 415, never applied.
    if (sent.method !== 'GET')
      assert.ok(
        [400, 401, 404, 405, 413, 415].includes(answer.status),
        `an invalid change was not refused: FUZZ_SEED=${SEED} ${sent.method} ${sent.url} ${sent.body?.slice(0, 80) ?? ''} -> ${answer.status}`,
      );
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
  console.log(
    `fuzz (hostile): ${[...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s} x${n}`)
      .join(', ')}`,
  );
  assert.equal(await agentState(), before, `the invalid changes changed nothing (FUZZ_SEED=${SEED})`);
  assert.equal(agent.child.exitCode, null, 'the agent is still running');
});

it('valid calls of every operation: every answer documented, no 500, and the threshold is the last one confirmed', async () => {
  let confirmed: number | null = null;
  const statuses = new Map<number, number>();
  for (let i = 0; i < COUNT; i++) {
    const sent = request(pick(operations), false);
    const answer = await send(sent);
    judge(sent, answer);
    if (sent.url.endsWith('/threshold') && answer.status === 200) confirmed = Number(sent.body);
    if (answer.status === 502) console.log(`fuzz: 502 for ${sent.method} ${sent.url} ${sent.body ?? ''}: ${JSON.stringify(answer.body)}`);
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
  }
  console.log(
    `fuzz (valid): ${[...statuses]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s} x${n}`)
      .join(', ')}`,
  );
  assert.ok((statuses.get(200) ?? 0) > COUNT / 4, 'most valid calls succeed');
  if (confirmed !== null) {
    const threshold = await waitFor(
      'the next heartbeat to carry the threshold',
      async () =>
        (await http<{ hostname: string; threshold: number }[]>('GET', `${control.url}/hosts`)).body.find((h) => h.hostname === host)
          ?.threshold === confirmed,
      10_000,
      100,
    );
    assert.ok(threshold);
  }
});
