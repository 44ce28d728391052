/**
 * One handler per operation of openapi.yaml, typed by that operation's parameters and body (the
 * request was validated against the spec before it comes here). A handler asks the service and
 * shapes the answer: here, and only here, is decided which success status an answer gets; the
 * errors are ApiErrors the service throws, each with its status.
 */
import type { Request, Response } from 'express';
import type { Context } from 'openapi-backend';
import type { operations } from '../api/contract.generated.js';
import type { ContainerQuery, ControlService } from './control-service.js';
import type { EventFilter, EventQuery } from './event-log.js';
import type { HistoryQuery } from './history.js';
import { sendError } from './http-edges.js';
import type { ControlMetrics } from './metrics.js';
import type { Observations } from './observations.js';
import type { SilenceService } from './silence-service.js';
import { ANYONE, type Caller, type Tokens } from './tokens.js';

const SSE_KEEPALIVE_MS = 15_000;

type Operation = keyof operations;
type Parameters<Op extends Operation> = operations[Op]['parameters'];
type BodyOf<Op extends Operation> = operations[Op] extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;
/** What a handler gets: path parameters, query values (as the spec names them, still text) and body. */
interface Input<Op extends Operation> {
  path: NonNullable<Parameters<Op>['path']>;
  query: { [K in keyof NonNullable<Parameters<Op>['query']>]?: string };
  body: BodyOf<Op>;
  /** Who asked (the token's name, `api` on a control without tokens): what the audit log says did a change. */
  by: string;
}
type Handler = (c: Context, req: Request, res: Response) => unknown;

/** The one place a validated request is read as its operation's types. */
function on<Op extends Operation>(_operation: Op, handle: (input: Input<Op>, res: Response, req: Request) => unknown): Handler {
  return (c, req, res) =>
    handle(
      {
        path: c.request.params as Input<Op>['path'],
        query: c.request.query as Input<Op>['query'],
        body: c.request.requestBody as BodyOf<Op>,
        by: (c.security?.['bearerAuth'] as Caller | undefined)?.name ?? ANYONE.name,
      },
      res,
      req,
    );
}

export function operationHandlers(
  service: ControlService,
  observations: Observations,
  tokens: Tokens,
  silences: SilenceService,
  metrics?: ControlMetrics,
): Record<Operation, Handler> {
  return {
    listContainers: on('listContainers', async ({ query }, res) => {
      const list = await service.listContainers(containerQuery(query));
      res.set('X-Answered-Hosts', list.answered.join(','));
      res.set('X-Silent-Hosts', list.silent.join(','));
      sendJsonArray(res.status(200), list.parts);
    }),
    monitorContainer: on('monitorContainer', async ({ path, by }, res) => {
      res.status(200).json(await service.setMonitored(path.hostname, path.containerName, true, by));
    }),
    unmonitorContainer: on('unmonitorContainer', async ({ path, by }, res) => {
      res.status(200).json(await service.setMonitored(path.hostname, path.containerName, false, by));
    }),
    getPolicy: on('getPolicy', async ({ path }, res) => {
      res.status(200).json(await service.policy(path.hostname, path.containerName));
    }),
    setPolicy: on('setPolicy', async ({ path, body, by }, res) => {
      res.status(200).json(await service.setPolicy(path.hostname, path.containerName, body, by));
    }),
    setDryRun: on('setDryRun', async ({ body, by }, res) => {
      const result = await service.setDryRun(body.dryRun, body.hostname, by);
      res.status(result.refused.length > 0 ? 409 : result.unconfirmed.length > 0 ? 202 : 200).json(result);
    }),
    setThreshold: on('setThreshold', async ({ body, by }, res) => {
      const result = await service.setThreshold(body, by);
      res.status(result.unconfirmed.length === 0 ? 200 : 202).json(result);
    }),
    listSilences: on('listSilences', async (_input, res) => {
      res.status(200).json(await silences.list());
    }),
    createSilence: on('createSilence', async ({ body, by }, res) => {
      res.status(201).json(await silences.create(body, by));
    }),
    deleteSilence: on('deleteSilence', async ({ path, by }, res) => {
      res.status(200).json(await silences.remove(path.silenceId, by));
    }),
    listHosts: on('listHosts', (_input, res) => {
      res.status(200).json(service.hosts());
    }),
    getHostResources: on('getHostResources', ({ path }, res) => {
      res.status(200).json(service.hostResources(path.hostname));
    }),
    getHistory: on('getHistory', async ({ query }, res) => {
      const step = query.step === undefined ? {} : { step: Number(query.step) };
      res.status(200).json(await observations.history({ ...(query as HistoryQuery), ...step }));
    }),
    listEvents: on('listEvents', async ({ query }, res) => {
      const limit = query.limit === undefined ? {} : { limit: Number(query.limit) };
      res.status(200).json(await observations.events({ ...(query as EventQuery), ...limit }));
    }),
    streamEvents: on('streamEvents', ({ query }, res, req) => {
      res.status(200).set({ 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store', 'X-Accel-Buffering': 'no' });
      if (req.method === 'HEAD') return void res.end(); // the headers a GET would get, and no endless body
      const unsubscribe = observations.subscribeEvents(query as EventFilter, (event) => {
        res.write(`id: ${event.id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
      });
      res.flushHeaders();
      res.write(': watching the events stream\n\n');
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
      req.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
      });
    }),
    getScorecard: on('getScorecard', async ({ query }, res) => {
      res.status(200).json(await observations.scorecard(query));
    }),
    getMetrics: on('getMetrics', async (_input, res) => {
      if (!metrics) return sendError(res, 404, { error: 'not_found', message: 'metrics are not enabled in this process' });
      res
        .status(200)
        .type(metrics.registry.contentType)
        .send(await metrics.registry.metrics());
    }),
    whoAmI: on('whoAmI', (_input, res, req) => {
      const caller = tokens.open ? ANYONE : tokens.identify(req.headers['authorization']);
      if (!caller)
        return sendError(res, 401, {
          error: 'unauthorized',
          message: 'send the header Authorization: Bearer <token> to learn whose it is',
        });
      res.status(200).json(caller);
    }),
    getHealth: on('getHealth', async (_input, res) => {
      const health = await service.health();
      res.status(health.bus === 'connected' ? 200 : 503).json(health);
    }),
  };
}

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

/** GET /containers' query as the service takes it (query values arrive as text). */
function containerQuery(query: Input<'listContainers'>['query']): ContainerQuery {
  const { host, status, monitored, name } = query;
  return {
    ...(host === undefined ? {} : { host }),
    ...(status === undefined ? {} : { status: [...new Set(status.split(','))] as NonNullable<ContainerQuery['status']> }),
    ...(monitored === undefined ? {} : { monitored: monitored === 'true' }),
    ...(name === undefined ? {} : { name }),
  };
}
