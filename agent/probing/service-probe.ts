/** One service probe of a container: an HTTP GET of its address (a status, optionally a text in the body), a TCP connect, or a command run in it; within its timeout. */
import { connect } from 'node:net';
import { describeProbe, type ProbeSpec } from '../policy/probe-labels.js';

export interface ServiceProbeResult {
  ok: boolean;
  /** What was seen: "HTTP 500", "connection refused", "no answer within 1000 ms". */
  detail: string;
}

/** Runs a command in a container: its exit code (the engine's exec API). */
export type Exec = (name: string, command: string[], timeoutMs: number) => Promise<number>;

export async function probeService(spec: ProbeSpec, target: { name: string; ip: string }, exec?: Exec): Promise<ServiceProbeResult> {
  if (spec.kind === 'http') return probeHttp(spec, target.ip);
  if (spec.kind === 'tcp') return probeTcp(spec, target.ip);
  if (!exec) return { ok: false, detail: 'this engine adapter cannot exec' };
  try {
    const code = await exec(target.name, ['sh', '-c', spec.command ?? 'false'], spec.timeoutMs);
    return { ok: code === 0, detail: `exit code ${code}` };
  } catch (error) {
    return { ok: false, detail: failure(error, spec.timeoutMs) };
  }
}

async function probeHttp(spec: ProbeSpec, ip: string): Promise<ServiceProbeResult> {
  try {
    const response = await fetch(describeProbe(spec, ip), { redirect: 'manual', signal: AbortSignal.timeout(spec.timeoutMs) });
    const body = spec.expectBody === undefined ? '' : await response.text();
    if (spec.expectBody === undefined) await response.arrayBuffer().catch(() => undefined);
    const statusOk =
      spec.expectStatus === undefined ? response.status >= 200 && response.status < 400 : response.status === spec.expectStatus;
    if (!statusOk) return { ok: false, detail: `HTTP ${response.status}` };
    if (spec.expectBody !== undefined && !body.includes(spec.expectBody))
      return { ok: false, detail: `HTTP ${response.status} without "${spec.expectBody}" in the body` };
    return { ok: true, detail: `HTTP ${response.status}` };
  } catch (error) {
    return { ok: false, detail: failure(error, spec.timeoutMs) };
  }
}

function probeTcp(spec: ProbeSpec, ip: string): Promise<ServiceProbeResult> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port: spec.port });
    const done = (result: ServiceProbeResult): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(result);
    };
    const timer = setTimeout(() => done({ ok: false, detail: `no answer within ${spec.timeoutMs} ms` }), spec.timeoutMs);
    socket.once('connect', () => done({ ok: true, detail: 'connected' }));
    socket.once('error', (error) => done({ ok: false, detail: failure(error, spec.timeoutMs) }));
  });
}

function failure(error: unknown, timeoutMs: number): string {
  const e = error as Error & { cause?: { code?: string }; code?: string };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${timeoutMs} ms`;
  const code = e.cause?.code ?? e.code;
  if (code === 'ECONNREFUSED') return 'connection refused';
  return code ?? e.message;
}
