/**
 * The REST API: openapi.yaml is the single source of truth, served by openapi-backend on express,
 * with Swagger UI at /docs. Handlers are keyed by operationId and only shape responses.
 */
import { readFileSync } from 'node:fs';
import express, { type NextFunction, type Request, type Response } from 'express';
import { OpenAPIBackend, type Context, type Document } from 'openapi-backend';
import swaggerUi from 'swagger-ui-express';
import { parse } from 'yaml';
import type { operations, Policy } from './api.generated.js';
import { ApiError, type ContainerQuery, type ControlService } from './control-service.js';
import type { EventFilter, EventQuery } from './event-log.js';
import type { HistoryQuery } from './history.js';
import type { ControlMetrics } from './metrics.js';
import { SpecRoutes } from './spec-routes.js';
import { beforeTheApi, beforeTheBody, docsHeaders, fieldAndRule, hasToken, sendError, serveDashboard } from './http-edges.js';

export const specPath = new URL('../openapi.yaml', import.meta.url).pathname;

const BODY_LIMIT = '16kb';
/** A date-time as RFC 3339 writes it (2026-11-25T11:00:00Z, with an optional fraction and offset): not whatever Date.parse accepts ("1" is 2001). */
const RFC3339 =
  /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d{1,9})?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/i;
const SSE_KEEPALIVE_MS = 15_000;

type PathOf<Operation extends keyof operations> = operations[Operation]['parameters']['path'];

/** A JSON array written from runs of its elements (ContainerList's parts), never joined into one string of megabytes. */
function sendJsonArray(res: Response, parts: readonly string[]): void {
  const length = parts.reduce((sum, part) => sum + Buffer.byteLength(part), 2 + Math.max(parts.length - 1, 0));
  res.type('application/json').set('Content-Length', String(length));
  res.cork();
  res.write('[');
  parts.forEach((part, i) => {
    if (i > 0) res.write(',');
    res.write(part);
  });
  res.end(']');
}

export async function createApp(
  service: ControlService,
  options: { apiToken: string | undefined; apiReadToken?: string | undefined; metrics?: ControlMetrics },
): Promise<express.Express> {
  const specText = readFileSync(specPath, 'utf8');
  const definition = parse(specText) as Document;
  const api = new OpenAPIBackend({
    definition: structuredClone(definition), // init() mutates it; Swagger UI gets its own copy
    strict: true,
    validate: true,
    ajvOpts: { allErrors: true, formats: { 'date-time': RFC3339 } },
    handlers: {
      listContainers: async (c: Context, _req: Request, res: Response) => {
        const list = await service.listContainers(containerQuery(c.request.query as Record<string, string | undefined>));
        res.set('X-Answered-Hosts', list.answered.join(','));
        res.set('X-Silent-Hosts', list.silent.join(','));
        sendJsonArray(res.status(200), list.parts);
      },
      monitorContainer: async (c: Context, _req: Request, res: Response) => {
        const { hostname, containerName } = c.request.params as PathOf<'monitorContainer'>;
        res.status(200).json(await service.setMonitored(hostname, containerName, true));
      },
      unmonitorContainer: async (c: Context, _req: Request, res: Response) => {
        const { hostname, containerName } = c.request.params as PathOf<'unmonitorContainer'>;
        res.status(200).json(await service.setMonitored(hostname, containerName, false));
      },
      getPolicy: async (c: Context, _req: Request, res: Response) => {
        const { hostname, containerName } = c.request.params as PathOf<'getPolicy'>;
        res.status(200).json(await service.policy(hostname, containerName));
      },
      setPolicy: async (c: Context, _req: Request, res: Response) => {
        const { hostname, containerName } = c.request.params as PathOf<'setPolicy'>;
        res.status(200).json(await service.setPolicy(hostname, containerName, c.request.requestBody as Policy));
      },
      setDryRun: async (c: Context, _req: Request, res: Response) => {
        const body = c.request.requestBody as { dryRun: boolean; hostname?: string };
        const result = await service.setDryRun(body.dryRun, body.hostname);
        res.status(result.refused.length > 0 ? 409 : result.unconfirmed.length > 0 ? 202 : 200).json(result);
      },
      setThreshold: async (c: Context, _req: Request, res: Response) => {
        const result = await service.setThreshold(c.request.requestBody as number);
        res.status(result.unconfirmed.length === 0 ? 200 : 202).json(result);
      },
      listHosts: (_c: Context, _req: Request, res: Response) => {
        res.status(200).json(service.hosts());
      },
      getHistory: async (c: Context, _req: Request, res: Response) => {
        const query = c.request.query as Record<string, string>;
        // Validated against the spec, but query values arrive as strings.
        const step = query['step'] === undefined ? {} : { step: Number(query['step']) };
        res.status(200).json(await service.history({ ...(query as unknown as HistoryQuery), ...step }));
      },
      listEvents: async (c: Context, _req: Request, res: Response) => {
        const query = c.request.query as Record<string, string>;
        const limit = query['limit'] === undefined ? {} : { limit: Number(query['limit']) };
        res.status(200).json(await service.events({ ...(query as EventQuery), ...limit }));
      },
      streamEvents: (c: Context, req: Request, res: Response) => {
        res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
        if (req.method === 'HEAD') return void res.end(); // the headers a GET would get, and no endless body
        const unsubscribe = service.subscribeEvents(c.request.query as EventFilter, (event) => {
          res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
        });
        res.flushHeaders();
        res.write(': watching the events stream\n\n');
        const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
        req.on('close', () => {
          clearInterval(keepAlive);
          unsubscribe();
        });
      },
      getScorecard: async (c: Context, _req: Request, res: Response) => {
        res.status(200).json(await service.scorecard(c.request.query as { since?: string; host?: string }));
      },
      getMetrics: async (_c: Context, _req: Request, res: Response) => {
        if (!options.metrics) return sendError(res, 404, { error: 'not_found', message: 'metrics are not enabled in this process' });
        res
          .status(200)
          .type(options.metrics.registry.contentType)
          .send(await options.metrics.registry.metrics());
      },
      getHealth: async (_c: Context, _req: Request, res: Response) => {
        const health = await service.health();
        res.status(health.bus === 'connected' ? 200 : 503).json(health);
      },
      validationFail: (c: Context, _req: Request, res: Response) => {
        const details = (c.validation.errors ?? []).map(describeError);
        sendError(res, 400, { error: 'invalid_request', message: details.map((d) => `${d.field}: ${d.rule}`).join('; '), details });
      },
      unauthorizedHandler: (_c: Context, _req: Request, res: Response) => {
        res.set('WWW-Authenticate', 'Bearer');
        sendError(res, 401, { error: 'unauthorized', message: 'this call needs the header Authorization: Bearer <API_TOKEN>' });
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
  api.registerSecurityHandler(
    'bearerAuth',
    (c: Context) => !options.apiToken || hasToken(c.request.headers['authorization'], options.apiToken),
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
  app.use(beforeTheBody(routes, options));
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

/** GET /containers' query, validated against the spec, as the service takes it (query values arrive as strings). */
function containerQuery(query: Record<string, string | undefined>): ContainerQuery {
  const { host, status, monitored, name } = query;
  return {
    ...(host === undefined ? {} : { host }),
    ...(status === undefined ? {} : { status: [...new Set(status.split(','))] as NonNullable<ContainerQuery['status']> }),
    ...(monitored === undefined ? {} : { monitored: monitored === 'true' }),
    ...(name === undefined ? {} : { name }),
  };
}
