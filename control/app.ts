/**
 * The REST API: openapi.yaml is the single source of truth, served by openapi-backend on express,
 * with Swagger UI at /docs. The operations' handlers are handlers.ts's; here is how a request
 * reaches them (the edges, validation, security) and how an error is answered.
 */
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { OpenAPIBackend, type Context, type Document } from 'openapi-backend';
import swaggerUi from 'swagger-ui-express';
import { parse } from 'yaml';
import { ApiError, type ControlService } from './control-service.js';
import { operationHandlers } from './handlers.js';
import type { Observations } from './observations.js';
import type { ControlMetrics } from './metrics.js';
import type { SilenceService } from './silence-service.js';
import { SpecRoutes } from './spec-routes.js';
import { beforeTheApi, beforeTheBody, docsHeaders, fieldAndRule, sendError, serveDashboard } from './http-edges.js';
import { ANYONE, mayChange, type Caller, type Tokens } from './tokens.js';

export const specPath = new URL('../openapi.yaml', import.meta.url).pathname;

const BODY_LIMIT = '16kb';
/** A date-time as RFC 3339 writes it (2026-11-25T11:00:00Z, with an optional fraction and offset): not whatever Date.parse accepts ("1" is 2001). */
const RFC3339 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;

export async function createApp(
  { service, observations, silences }: { service: ControlService; observations: Observations; silences: SilenceService },
  options: { tokens: Tokens; metrics?: ControlMetrics },
): Promise<express.Express> {
  const { tokens } = options;
  const specText = readFileSync(specPath, 'utf8');
  const definition = parse(specText) as Document;
  const api = new OpenAPIBackend({
    definition: structuredClone(definition), // init() mutates it; Swagger UI gets its own copy
    strict: true,
    validate: true,
    ajvOpts: { allErrors: true, formats: { 'date-time': RFC3339 } },
    handlers: {
      ...changesByRole(operationHandlers(service, observations, tokens, silences, options.metrics), definition),
      validationFail: (c: Context, _req: Request, res: Response) => {
        const details = (c.validation.errors ?? []).map(describeError);
        sendError(res, 400, { error: 'invalid_request', message: details.map((d) => `${d.field}: ${d.rule}`).join('; '), details });
      },
      unauthorizedHandler: (_c: Context, _req: Request, res: Response) => {
        res.set('WWW-Authenticate', 'Bearer');
        sendError(res, 401, {
          error: 'unauthorized',
          message:
            'this call needs the header Authorization: Bearer <token>, with API_TOKEN or an operate or admin token of API_TOKENS_FILE',
        });
      },
      notFound: (c: Context, _req: Request, res: Response) => {
        sendError(res, 404, { error: 'not_found', message: `no such path: ${c.request.method.toUpperCase()} ${c.request.path}` });
      },
      methodNotAllowed: (c: Context, _req: Request, res: Response) => {
        res.set('Allow', routes.allowed(c.request.path).join(', '));
        sendError(res, 405, {
          error: 'method_not_allowed',
          message: `${c.request.method.toUpperCase()} is not allowed on ${c.request.path}`,
        });
      },
    },
  });
  // The caller becomes c.security.bearerAuth: who the audit log says did a change.
  api.registerSecurityHandler('bearerAuth', (c: Context) =>
    tokens.open ? ANYONE : (tokens.identify(c.request.headers['authorization']) ?? false),
  );
  await api.init();
  const routes = new SpecRoutes(definition);

  const app = express();
  // No ETag on answers: they are live state, new every check cycle, and hashing a fleet's container list (megabytes) costs more than it could save.
  app.set('etag', false);
  app.disable('x-powered-by');
  // The raw text goes to openapi-backend, which parses JSON bodies itself (a parsed JSON string
  // would be parsed a second time there) and validates them against the spec.
  if (options.metrics) {
    const metrics = options.metrics;
    app.use((req, res, next) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        const operation =
          api.matchOperation({ method: req.method === 'HEAD' ? 'GET' : req.method, path: req.path, headers: {} })?.operationId ?? 'other';
        metrics.answered(operation, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9);
      });
      next();
    });
  }
  app.use(beforeTheBody(routes, tokens));
  app.use(express.text({ type: () => true, limit: BODY_LIMIT }));
  serveDashboard(app);
  app.get('/openapi.yaml', (_req, res) => {
    res.type('application/yaml').send(specText);
  });
  // Swagger UI: its page at /docs and /docs/, its own files beside it, nothing else under /docs.
  const docsPage = swaggerUi.setup(definition as object);
  app.use('/docs', docsHeaders, swaggerUi.serve);
  app.get(['/docs', '/docs/'], docsHeaders, docsPage);
  app.use('/docs', (req, res) =>
    sendError(res, 404, { error: 'not_found', message: `no such path: ${req.method} ${req.originalUrl.split('?')[0] ?? ''}` }),
  );
  app.use(beforeTheApi(routes));
  app.use((req, res) =>
    api.handleRequest(
      {
        // HEAD is GET without a body (Node's response drops the body itself); health checkers use it.
        method: req.method === 'HEAD' ? 'GET' : req.method,
        path: req.path,
        query: req.query as Record<string, string>,
        body: typeof req.body === 'string' && req.body !== '' ? req.body : undefined,
        headers: req.headers as Record<string, string>,
      },
      req,
      res,
    ),
  );
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ApiError) {
      const details = error.status === 400 ? { details: [fieldAndRule(error.message)] } : {};
      return sendError(res, error.status, {
        error: error.code,
        message: error.message,
        ...details,
        ...(error.commandId ? { commandId: error.commandId } : {}),
      });
    }
    const status = (error as { status?: number; type?: string }).status;
    if (status === 413) return sendError(res, 413, { error: 'too_large', message: `the body is larger than ${BODY_LIMIT}` });
    if (status && status >= 400 && status < 500)
      return sendError(res, 400, {
        error: 'invalid_request',
        message: `body: ${(error as Error).message}`,
        details: [{ field: 'body', rule: (error as Error).message }],
      });
    console.error(error);
    return sendError(res, 500, { error: 'internal', message: 'internal error' });
  });
  return app;
}

type Handlers = ReturnType<typeof operationHandlers>;

/** The operations that need a token (the spec's `security`) refuse a read token: 403, nothing changed. */
function changesByRole(handlers: Handlers, definition: Document): Handlers {
  const secured = new Set<string>();
  for (const item of Object.values(definition.paths ?? {}))
    for (const operation of Object.values(item ?? {}))
      if (typeof operation === 'object' && operation && 'security' in operation && 'operationId' in operation)
        secured.add(String(operation.operationId));
  const guarded = { ...handlers };
  for (const id of secured) {
    const handle = handlers[id as keyof Handlers];
    guarded[id as keyof Handlers] = (c, req, res) => {
      const caller = c.security?.['bearerAuth'] as Caller | undefined;
      if (caller && !mayChange(caller))
        return sendError(res, 403, {
          error: 'forbidden',
          message: `the token ${caller.name} may only read (role read): changes need an operate or admin token`,
        });
      return handle(c, req, res);
    };
  }
  return guarded;
}

/** An ajv error from openapi-backend as {field, rule}: path parameters by name, the body as `body`. */
function describeError(error: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }): {
  field: string;
  rule: string;
} {
  if (error.keyword === 'parse') return { field: 'body', rule: `must be valid JSON (${error.message ?? 'unparseable'})` };
  if (error.params['missingProperty'] === 'requestBody')
    return { field: 'body', rule: 'is required, as JSON sent with Content-Type: application/json' };
  const path = error.instancePath.replace(/^\//, '').split('/');
  const field =
    path[0] === 'requestBody'
      ? ['body', ...path.slice(1)].join('.')
      : path.slice(path[0] === 'path' || path[0] === 'query' ? 1 : 0).join('.');
  const extra = error.params['additionalProperty'];
  if (error.keyword === 'additionalProperties' && typeof extra === 'string') {
    return path[0] === 'query' || path[0] === ''
      ? { field: `query.${extra}`, rule: 'is not a parameter of this call' }
      : { field: [field, extra].filter(Boolean).join('.'), rule: 'is not a known field' };
  }
  if (error.keyword === 'format' && error.params['format'] === 'date-time')
    return { field: field || 'request', rule: 'must be a date-time such as 2026-11-25T11:00:00Z (RFC 3339)' };
  return { field: field || 'request', rule: error.message ?? error.keyword };
}
