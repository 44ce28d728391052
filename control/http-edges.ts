/**
 * The HTTP edges around the API, before openapi-backend sees a request: who may read (API_READ_TOKEN),
 * one Authorization header, one spelling per path, broken escapes, plain-decimal query numbers,
 * JSON bodies as JSON; the dashboard's and Swagger UI's files with their security headers; and
 * errors Node's parser answers itself. Each refusal is the spec's JSON error.
 */
import { existsSync } from 'node:fs';
import type { Socket } from 'node:net';
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { ErrorBody } from '../api/contract.generated.js';
import type { SpecRoutes } from './spec-routes.js';
import type { Tokens } from './tokens.js';

export const sendError = (res: Response, status: number, body: ErrorBody): void => {
  res.status(status).json(body);
};

/** Before the body is read: two Authorization headers, reads behind API_READ_TOKEN, a trailing slash. */
export function beforeTheBody(routes: SpecRoutes, tokens: Tokens): RequestHandler {
  return (req, res, next) => {
    // Node keeps the first of two Authorization headers and drops the rest: which one counts must not be a guess.
    if (req.rawHeaders.filter((_, i) => i % 2 === 0 && req.rawHeaders[i]?.toLowerCase() === 'authorization').length > 1) {
      return sendError(res, 400, {
        error: 'invalid_request',
        message: 'Authorization: must be sent once',
        details: [{ field: 'Authorization', rule: 'must be sent once' }],
      });
    }
    // With API_READ_TOKEN, the API's reads need a token too (either token); /health stays open for health checkers, the page and its files for the browser.
    if (tokens.readsClosed && (req.method === 'GET' || req.method === 'HEAD') && routes.isRead(req.path) && req.path !== '/health') {
      if (tokens.identify(req.headers['authorization']) === null) {
        res.set('WWW-Authenticate', 'Bearer');
        return sendError(res, 401, {
          error: 'unauthorized',
          message:
            'this control needs a token for reads too (it has a read token: API_READ_TOKEN or API_TOKENS_FILE): send the header Authorization: Bearer <token>',
        });
      }
    }
    // One spelling per path: /hosts/ is not /hosts (only / and Swagger UI's /docs/ end in a slash).
    if (req.path.length > 1 && req.path.endsWith('/') && req.path !== '/docs/') {
      return sendError(res, 404, {
        error: 'not_found',
        message: `no such path: ${req.method} ${req.path} (the API's paths do not end in /: ${req.path.replace(/\/+$/, '')})`,
      });
    }
    next();
  };
}

/** After the body is read, before the spec's router: broken escapes, query numbers, a body's type. */
export function beforeTheApi(routes: SpecRoutes): RequestHandler {
  return (req, res, next) => {
    // openapi-backend's router would throw a URIError (a 500) on a broken percent escape.
    const broken = routes.brokenEscape(req.path);
    if (broken) return sendError(res, 400, { error: 'invalid_request', message: `${broken.field}: ${broken.rule}`, details: [broken] });
    // Numbers in the query as people write them: 0x3 and 1e3 are not integers here, though JavaScript would take them.
    const numbers = routes.queryNumberProblems(req.method === 'HEAD' ? 'GET' : req.method, req.path, req.query as Record<string, unknown>);
    if (numbers.length > 0)
      return sendError(res, 400, {
        error: 'invalid_request',
        message: numbers.map((d) => `${d.field}: ${d.rule}`).join('; '),
        details: numbers,
      });
    // A JSON body is JSON: sent as anything else it is refused, not guessed at.
    const type = req.headers['content-type'];
    if (
      typeof req.body === 'string' &&
      req.body !== '' &&
      routes.takesBody(req.method, req.path) &&
      !/^application\/json\s*(;|$)/i.test(type ?? '')
    ) {
      return sendError(res, 415, {
        error: 'unsupported_media_type',
        message: `the body must be sent with Content-Type: application/json (got ${type ?? 'none'})`,
      });
    }
    next();
  };
}

/** Where `npm run build` puts the dashboard: dashboard/dist next to control/ (in the image: dist/dashboard/dist). */
export const dashboardDir = new URL('../dashboard/dist/', import.meta.url).pathname;

/**
 * The dashboard at / and /assets/: control's own files, nothing from elsewhere, so a strict
 * Content-Security-Policy holds. Not built: / says how to build it.
 */
export function serveDashboard(app: express.Express): void {
  const strict = (_req: Request, res: Response, next: NextFunction): void => {
    res.set('Content-Security-Policy', "default-src 'self'; frame-ancestors 'none'");
    res.set('X-Content-Type-Options', 'nosniff');
    res.set('Referrer-Policy', 'no-referrer');
    next();
  };
  app.get('/', strict, (_req, res) => {
    if (!existsSync(`${dashboardDir}index.html`)) {
      res
        .status(503)
        .type('text/plain')
        .send(
          'The dashboard is not built: run `npm run build` (npm start, npm test and the image do it). The API and Swagger UI (/docs) work without it.\n',
        );
      return;
    }
    res.sendFile(`${dashboardDir}index.html`, { headers: { 'Cache-Control': 'no-cache' } });
  });
  app.use('/assets', strict, express.static(`${dashboardDir}assets`, { maxAge: 0 }));
  // A file that is not there (or a path that would leave the folder): 404, naming only what was asked for.
  app.use('/assets', (req, res) =>
    sendError(res, 404, { error: 'not_found', message: `no such file: ${req.originalUrl.split('?')[0] ?? ''}` }),
  );
}

/** Swagger UI's page and files: its own scripts and styles (and the inline styles it sets), never in a frame. */
export function docsHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set('Content-Security-Policy', "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
  res.set('X-Content-Type-Options', 'nosniff');
  res.set('Referrer-Policy', 'no-referrer');
  next();
}

/** "field: rule" as a 400's detail; a message with no field is about the request. */
export function fieldAndRule(message: string): { field: string; rule: string } {
  const at = message.indexOf(': ');
  return at > 0 && !message.slice(0, at).includes(' ')
    ? { field: message.slice(0, at), rule: message.slice(at + 2) }
    : { field: 'request', rule: message };
}

/**
 * Errors Node's HTTP parser finds before express sees the request (headers over 16 KB, a broken
 * request line): answered as JSON like every other error, then the connection is closed.
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body: ErrorBody = tooLarge
    ? { error: 'headers_too_large', message: 'the request headers are larger than 16 KB' }
    : { error: 'invalid_request', message: `malformed HTTP request (${error.code ?? error.message})` };
  const text = JSON.stringify(body);
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}
