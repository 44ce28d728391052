/**
 * Engine 29's API version gate in front of the lab's real engine (Engine 20.10, API 1.41), a
 * switch the lab cannot give otherwise (Debian 12 has no newer engine): a request whose path
 * names an API version older than 1.44 is refused as Engine 29 refuses it (400, "client version
 * ... is too old"), `/version` says 29's versions, and everything else (unversioned, or 1.44 and
 * newer, as 1.41) goes to the real engine, streams included. It proves the client's side only:
 * which versions it asks for, not Engine 29's answers.
 */
import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const GATE_API = { Version: '29.0.0', ApiVersion: '1.52', MinAPIVersion: '1.44' };

export interface EngineGate {
  /** unix:// address for DOCKER_HOST. */
  readonly url: string;
  readonly socket: string;
  /** Each request: the API version its path named (none: unversioned), its method and path. */
  readonly asked: { version: string; method: string; path: string }[];
  close(): Promise<void>;
}

const older = (a: string, b: string): boolean => {
  const [am = 0, an = 0] = a.split('.').map(Number);
  const [bm = 0, bn = 0] = b.split('.').map(Number);
  return am < bm || (am === bm && an < bn);
};

export async function startEngineGate(engineSocket: string): Promise<EngineGate> {
  const socket = join(mkdtempSync(join(tmpdir(), 'engine-gate-')), 'docker.sock');
  const asked: EngineGate['asked'][number][] = [];
  const server = http.createServer((req, res) => {
    const match = /^\/v(\d+\.\d+)(\/.*)$/.exec(req.url ?? '/');
    asked.push({ version: match?.[1] ?? 'none', method: req.method ?? '', path: (match?.[2] ?? req.url ?? '/').split('?')[0] ?? '' });
    if (match?.[1] && older(match[1], GATE_API.MinAPIVersion)) {
      res.writeHead(400, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          message: `client version ${match[1]} is too old. Minimum supported API version is ${GATE_API.MinAPIVersion}, please upgrade your client to a newer version`,
        }),
      );
      return;
    }
    const path = match?.[2] ?? req.url ?? '/';
    const upstream = http.request({ socketPath: engineSocket, method: req.method, path, headers: req.headers }, (answer) => {
      if (path.split('?')[0] === '/version' && answer.statusCode === 200) {
        let body = '';
        answer.on('data', (c: Buffer) => (body += c.toString()));
        answer.on('end', () => {
          res.writeHead(200, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ ...(JSON.parse(body) as object), ...GATE_API }));
        });
        return;
      }
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      res.flushHeaders();
      answer.pipe(res);
    });
    upstream.on('error', (error) => res.destroy(error));
    req.pipe(upstream);
    res.on('close', () => upstream.destroy());
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    url: `unix://${socket}`,
    socket,
    asked,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
