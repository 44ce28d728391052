/**
 * The events stream at volume, in a vhost of its own on the lab's broker: 100,000 events published
 * as agents would (100 hosts x 20 containers), then a fresh control reads the stream to its end and
 * answers GET /events. Figures: the catch-up, GET /events latency (unfiltered, filtered, a deep
 * page) next to GET /hosts (the HTTP floor) in the same run, control's RSS, and the stream's disk
 * use per 1,000 events next to the events' own JSON size.
 */
import { brokerUrl } from '../lab/broker-users.js';
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import amqp from 'amqplib';
import { encode, type Event } from '../bus/messages.js';
import { EVENTS_EXCHANGE } from '../bus/topology.js';
import { startControl } from '../lab/control-process.js';
import { runId } from '../lab/docker.js';
import { sampleUsage } from './process-usage.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

const STREAM_DIR = '/var/lib/rabbitmq/mnesia';
const streamDirs = (): string[] => {
  const node = readdirSync(STREAM_DIR).find((d) => d.startsWith('rabbit@') && !d.includes('-'));
  return readdirSync(`${STREAM_DIR}/${node ?? ''}/stream`).map((d) => `${STREAM_DIR}/${node ?? ''}/stream/${d}`);
};
const bytesOf = (dir: string): number => Number(execFileSync('du', ['-sb', dir]).toString().split('\t')[0]);

function eventNumber(i: number, now: number): Event {
  const host = `h${i % 100}`;
  const container = `c${Math.floor(i / 100) % 20}`;
  const at = new Date(now - (100_000 - i) * 30).toISOString(); // spread over the last ~50 minutes
  switch (i % 5) {
    case 0:
      return { kind: 'event', type: 'fault', at, host, container, fault: 'stop' };
    case 1:
      return { kind: 'event', type: 'death', at, host, container, exitCode: 137 };
    case 2:
      return {
        kind: 'event',
        type: 'heal',
        at,
        host,
        container,
        action: 'start',
        trigger: 'event: die',
        reason: 'container is exited',
        outcome: 'ok',
        durationMs: 291,
      };
    case 3:
      return { kind: 'event', type: 'verdict', at, host, container, from: 'ok', to: 'lossy', reason: 'loss 80% > threshold 60%' };
    default:
      return {
        kind: 'event',
        type: 'heal',
        at,
        host,
        container,
        action: 'restart',
        trigger: 'check',
        reason: 'loss 80% > threshold 60%',
        outcome: 'ok',
        durationMs: 2300,
      };
  }
}

async function timed(url: string, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const response = await fetch(url);
    await response.text();
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    times.push(performance.now() - started);
  }
  return times;
}

export async function eventsBench(count = 100_000): Promise<BenchResult> {
  const vhost = `bench-${runId}`;
  execFileSync('rabbitmqctl', ['-q', 'add_vhost', vhost]);
  execFileSync('rabbitmqctl', ['-q', 'set_permissions', '-p', vhost, 'lab-admin', '.*', '.*', '.*']);
  const url = `${brokerUrl('lab-admin')}/${vhost}`;
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const before = new Set(streamDirs());
    const first = await startControl({ AMQP_URL: url });
    await fetch(`${first.url}/events?limit=1`); // the stream exists once control has read it to its (empty) end
    await first.stop();
    const dir = streamDirs().find((d) => !before.has(d)) ?? '';
    const emptyBytes = bytesOf(dir);

    const connection = await amqp.connect(url);
    const channel = await connection.createConfirmChannel();
    const now = Date.now();
    let jsonBytes = 0;
    const publishStarted = performance.now();
    for (let i = 0; i < count; i++) {
      const body = encode(eventNumber(i, now));
      jsonBytes += body.length;
      channel.publish(EVENTS_EXCHANGE, '', body, { persistent: true, contentType: 'application/json' });
      if (i % 5000 === 4999) await channel.waitForConfirms();
    }
    await channel.waitForConfirms();
    const publishMs = performance.now() - publishStarted;
    await connection.close();
    const streamBytes = bytesOf(dir) - emptyBytes;
    console.log(
      `published ${count} events in ${ms(publishMs)} (${Math.round(count / (publishMs / 1000))}/s); stream grew ${(streamBytes / 1e6).toFixed(1)} MB, JSON ${(jsonBytes / 1e6).toFixed(1)} MB`,
    );

    const started = performance.now();
    const control = await startControl({ AMQP_URL: url });
    const catchUp = await fetch(`${control.url}/events?limit=1`).then(() => performance.now() - started);
    const usage = sampleUsage(control.child.pid ?? 0, 500);
    const queries: Record<string, string> = {
      'newest 100': `${control.url}/events`,
      'one container, heals': `${control.url}/events?host=h7&container=c3&type=heal`,
      'faults of the last 5 min': `${control.url}/events?type=fault&since=${new Date(now - 300_000).toISOString()}`,
      'a deep page (before the middle)': `${control.url}/events?before=${Math.floor(count / 2)}`,
    };
    const floor = summarize(await timed(`${control.url}/hosts`, 200));
    for (const [label, query] of Object.entries(queries)) {
      const s = summarize(await timed(query, 200));
      console.log(`GET /events, ${label}: median ${ms(s.median)} p95 ${ms(s.p95)} (GET /hosts ${ms(floor.median)})`);
      rows.push({
        figure: `GET /events over ${count / 1000}k events, ${label} (median / p95)`,
        value: `${ms(s.median)} / ${ms(s.p95)}`,
        reference: 'GET /hosts (HTTP floor)',
        referenceValue: ms(floor.median),
        ratio: `${(s.median / floor.median).toFixed(1)}x`,
        target: '< 50 ms p95',
        met: s.p95 < 50,
      });
      raw[label] = s;
    }
    const { rssMaxMb } = usage.stop();
    await control.stop();
    rows.push({
      figure: `control start to first GET /events answer, ${count / 1000}k events to read`,
      value: ms(catchUp),
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '-',
      met: null,
    });
    rows.push({
      figure: `control RSS holding ${count / 1000}k events`,
      value: `${rssMaxMb.toFixed(0)} MB`,
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '< 200 MB',
      met: rssMaxMb < 200,
    });
    rows.push({
      figure: 'stream disk use per 1,000 events',
      value: `${(streamBytes / (count / 1000) / 1024).toFixed(0)} KB`,
      reference: 'their JSON bodies',
      referenceValue: `${(jsonBytes / (count / 1000) / 1024).toFixed(0)} KB`,
      ratio: `${(streamBytes / jsonBytes).toFixed(2)}x`,
      target: '-',
      met: null,
    });
    rows.push({
      figure: 'publishing events, confirmed',
      value: `${Math.round(count / (publishMs / 1000))} events/s`,
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '-',
      met: null,
    });
    Object.assign(raw, { catchUpMs: catchUp, rssMaxMb, streamBytes, jsonBytes, publishMs });
  } finally {
    execFileSync('rabbitmqctl', ['-q', 'delete_vhost', vhost]);
  }
  return { name: 'events', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  eventsBench(Number(process.argv[2] ?? 100_000)).then(
    (r) =>
      console.log(
        r.rows.map((row) => `${row.figure}: ${row.value} (ref ${row.referenceValue}, ${row.ratio}; target ${row.target})`).join('\n'),
      ),
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
