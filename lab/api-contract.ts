/**
 * Checks an answer of the control service against openapi.yaml, independently of the service's
 * own request validation: the status must be one the spec documents for the operation, and the
 * JSON body must match that status's schema. Paths outside the spec (Swagger UI, the raw spec)
 * are not checked; an unknown path or method must get the spec's Error body.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { parse } from 'yaml';

const specPath = new URL('../openapi.yaml', import.meta.url).pathname;

interface Response {
  $ref?: string;
  content?: Record<string, { schema?: object }>;
}
interface Operation {
  operationId: string;
  responses: Record<string, Response>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components: { responses?: Record<string, Response>; schemas: Record<string, object> };
}

/** Served by control but not part of the API the spec describes. */
const OUTSIDE_THE_SPEC = [/^\/$/, /^\/docs(\/|$)/, /^\/openapi\.yaml$/];

export class ContractViolation extends Error {}

class ApiContract {
  private readonly spec: Spec;
  private readonly ajv = new Ajv({ strict: false, allErrors: true });
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly routes: { pattern: RegExp; methods: Record<string, Operation> }[];

  constructor(text: string) {
    this.spec = parse(text) as Spec;
    ajvFormats.default(this.ajv, ['date-time']);
    this.ajv.addSchema({ $id: 'openapi', components: this.spec.components });
    this.routes = Object.entries(this.spec.paths).map(([path, methods]) => ({
      pattern: new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      methods,
    }));
  }

  check(method: string, path: string, status: number, body: unknown): void {
    if (OUTSIDE_THE_SPEC.some((p) => p.test(path))) return;
    const verb = method.toLowerCase() === 'head' ? 'get' : method.toLowerCase();
    const route = this.routes.find((r) => r.pattern.test(path));
    const operation = route?.methods[verb];
    const where = `${method.toUpperCase()} ${path}`;
    if (!operation) {
      // Not an operation of the API: 404 for an unknown path, 405 for a method the path lacks, 431 for huge headers.
      const expected = route ? [405] : [404, 400, 431];
      if (!expected.includes(status))
        throw new ContractViolation(`${where} answered ${status}; outside the spec's operations only ${expected.join('/')} are expected`);
      this.validate('#/components/schemas/Error', body, where, status);
      return;
    }
    if (status === 431) return this.validate('#/components/schemas/Error', body, where, status);
    const response = this.resolve(operation.responses[String(status)] ?? operation.responses['default']);
    if (!response) {
      throw new ContractViolation(
        `${where} answered ${status}, which openapi.yaml does not document for ${operation.operationId} (documented: ${Object.keys(operation.responses).join(', ')})`,
      );
    }
    const schema = response.content?.['application/json']?.schema;
    if (schema && method.toUpperCase() !== 'HEAD') this.validate(this.compileInline(schema), body, where, status);
  }

  private resolve(response: Response | undefined): Response | undefined {
    const name = response?.$ref?.replace('#/components/responses/', '');
    return name ? this.spec.components.responses?.[name] : response;
  }

  /** An inline schema's refs point into the document: rewritten to the registered copy. */
  private compileInline(schema: object): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(JSON.parse(key.replaceAll('"#/components/', '"openapi#/components/')) as object);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private validate(schema: string | ValidateFunction, body: unknown, where: string, status: number): void {
    const validate = typeof schema === 'string' ? this.compileInline({ $ref: schema }) : schema;
    if (validate(body)) return;
    const errors = (validate.errors ?? []).map((e) => `${e.instancePath || '(body)'} ${e.message ?? e.keyword}`).join('; ');
    throw new ContractViolation(
      `${where} answered ${status} with a body openapi.yaml does not allow: ${errors}\n${JSON.stringify(body).slice(0, 500)}`,
    );
  }
}

let contract: ApiContract | null = null;

/** Throws a ContractViolation when the answer is not one openapi.yaml allows. */
export function checkResponse(method: string, path: string, status: number, body: unknown): void {
  contract ??= new ApiContract(readFileSync(specPath, 'utf8'));
  contract.check(method, path, status, body);
}
