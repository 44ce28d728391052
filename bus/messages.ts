/**
 * The messages on the bus and their runtime validation, both from asyncapi.yaml: the types are
 * generated from its schemas (bus/contract.generated.ts) and the validators are compiled from the
 * same schemas here. parse* functions return the typed message or a reason naming the field and
 * the rule ("threshold: must be a number from 0 to 100").
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { busSchemas, type Command, type Event, type Heartbeat, type Reply } from './contract.generated.js';
import { policyIndexProblem } from './shared-policies.js';

export type {
  Ack,
  ActivesCommand,
  Command,
  ContainerFilter,
  ContainerStatus,
  EffectivePolicy,
  Event,
  Heartbeat,
  ListRequest,
  ListResponse,
  Reply,
  Silence,
  SilencesCommand,
  ThresholdCommand,
} from './contract.generated.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

// ajv-formats is CommonJS: under Node's ESM its function is the default export's `default`.
const addFormats = ajvFormats.default;
const ajv = new Ajv({ verbose: true, strict: true, allowUnionTypes: true });
// The format's shape only (a regular expression), not its calendar: bus times are written by
// toISOString, and the full check was the costliest part of validating a 10,000-container list.
addFormats(ajv, { mode: 'fast', formats: ['date-time'] });
ajv.addKeyword('components'); // the document's container of schemas, not a keyword to apply
ajv.addSchema({ $id: 'asyncapi', components: { schemas: busSchemas } });

const validators = new Map<string, ValidateFunction>();
/** The validator of one schema of asyncapi.yaml's components.schemas, compiled once. */
function validatorOf(schemaName: string): ValidateFunction {
  let validate = validators.get(schemaName);
  if (!validate) {
    if (!(schemaName in busSchemas)) throw new Error(`asyncapi.yaml has no schema ${schemaName}`);
    validate = ajv.compile({ $ref: `asyncapi#/components/schemas/${schemaName}` });
    validators.set(schemaName, validate);
  }
  return validate;
}

interface KindedSchema {
  properties?: { kind?: { const?: string } };
  oneOf?: { $ref: string }[];
}

const kindsByUnion = new Map<string, Map<string, string>>();
/** The message kinds a union schema (Command, Reply) allows, each with the schema that describes it (worked out once). */
function kindsOf(unionName: string): Map<string, string> {
  const known = kindsByUnion.get(unionName);
  if (known) return known;
  const union = busSchemas[unionName] as KindedSchema;
  const kinds = new Map<string, string>();
  for (const { $ref } of union.oneOf ?? [{ $ref: `#/components/schemas/${unionName}` }]) {
    const name = $ref.split('/').pop() ?? '';
    const kind = (busSchemas[name] as KindedSchema).properties?.kind?.const;
    if (kind) kinds.set(kind, name);
  }
  kindsByUnion.set(unionName, kinds);
  return kinds;
}

/** One ajv error as "field: rule", the rule taken from the failing schema's description. */
function describe(error: ErrorObject): string {
  const path = error.instancePath.split('/').filter(Boolean);
  if (error.keyword === 'required') return `${[...path, String(error.params['missingProperty'])].join('.')}: is required`;
  const description = (error.parentSchema as { description?: string } | undefined)?.description;
  return `${path.join('.') || 'body'}: ${description ? `must be ${description}` : (error.message ?? error.keyword)}`;
}

function decode(body: Buffer | string): Parsed<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(typeof body === 'string' ? body : body.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `body is not JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'body must be a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

const orList = (items: string[]): string =>
  items.length > 1 ? `${items.slice(0, -1).join(', ')} or ${items.at(-1) ?? ''}` : (items[0] ?? '');

/** Parses a message of the union `unionName`: its `kind` picks the schema it is validated against. */
function parseKinded<T>(unionName: string, body: Buffer | string): Parsed<T> {
  const decoded = decode(body);
  if (!decoded.ok) return decoded;
  const kinds = kindsOf(unionName);
  const kind = decoded.value['kind'];
  const schemaName = typeof kind === 'string' ? kinds.get(kind) : undefined;
  if (!schemaName) return { ok: false, reason: `kind: must be ${orList([...kinds.keys()])} (got ${JSON.stringify(kind)})` };
  const validate = validatorOf(schemaName);
  if (!validate(decoded.value)) return { ok: false, reason: validate.errors?.map(describe).join('; ') ?? 'invalid' };
  return { ok: true, value: decoded.value as T };
}

export const parseCommand = (body: Buffer | string): Parsed<Command> => parseKinded('Command', body);
/** A reply; a list_response's policy indexes must also point into its `policies`. */
export function parseReply(body: Buffer | string): Parsed<Reply> {
  const parsed = parseKinded<Reply>('Reply', body);
  if (!parsed.ok || parsed.value.kind !== 'list_response') return parsed;
  const problem = policyIndexProblem(parsed.value);
  return problem === null ? parsed : { ok: false, reason: problem };
}
export const parseHeartbeat = (body: Buffer | string): Parsed<Heartbeat> => parseKinded('Heartbeat', body);
/** An event; one larger than EVENT_MAX_BYTES is refused before it is parsed. */
export function parseEvent(body: Buffer | string): Parsed<Event> {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body) : body.length;
  if (bytes > EVENT_MAX_BYTES) return { ok: false, reason: `body: must be at most ${EVENT_MAX_BYTES} bytes (got ${bytes})` };
  return parseKinded('Event', body);
}

export const encode = (message: Command | Reply | Heartbeat | Event): Buffer => Buffer.from(JSON.stringify(message));

/** Checks one value against a named schema (Hostname, ContainerName, ...): null when it fits, else the rule. */
export function ruleBroken(schemaName: string, value: unknown): string | null {
  const validate = validatorOf(schemaName);
  if (validate(value)) return null;
  const error = validate.errors?.[0];
  const description = (error?.parentSchema as { description?: string } | undefined)?.description;
  return description ? `must be ${description}` : (error?.message ?? 'invalid');
}

export const isHostname = (value: unknown): value is string => ruleBroken('Hostname', value) === null;
export const isContainerName = (value: unknown): value is string => ruleBroken('ContainerName', value) === null;
/** An event's bounds (asyncapi.yaml): characters of one text, lines of `problems`, and bytes of the whole encoded event. */
export const EVENT_TEXT_MAX = (busSchemas['EventText'] as { maxLength: number }).maxLength;
export const EVENT_PROBLEMS_MAX = (busSchemas['Event'] as { properties: { problems: { maxItems: number } } }).properties.problems.maxItems;
export const EVENT_MAX_BYTES = 256 * 1024; // a clipped event (texts and problems within bounds) always fits

export const HOSTNAME_RULE = (busSchemas['Hostname'] as { description: string }).description;
export const CONTAINER_NAME_RULE = (busSchemas['ContainerName'] as { description: string }).description;
