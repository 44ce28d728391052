/**
 * The dashboard in Chromium at fleet size: 3 hosts x 500 containers. The page is the real bundle;
 * the data comes from a stand-in for control that serves the same JSON shapes (a rendering
 * measurement needs 1,500 containers, not 1,500 real ones). Figures: first render and one live
 * update, from data in to painted (the page's own "fleet-painted" measures), next to the simplest
 * renderer (one innerHTML table of the same rows) timed in the same page; the page's JS heap; the
 * bundle's size gzipped.
 */
import { readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, extname } from 'node:path';
import { chromium } from 'playwright-core';
import { buildDashboard } from '../scripts/build-dashboard.js';
import type { Container, Host } from '../api/contract.generated.js';
import { ms, summarize, type BenchResult, type Row } from './stats.js';

const HOSTS = 3;
const PER_HOST = 500;
const dist = new URL('../dashboard/dist/', import.meta.url).pathname;
const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

function fleet(round: number): { containers: Container[]; hosts: Host[] } {
  const now = Date.now();
  const containers: Container[] = [];
  for (let h = 1; h <= HOSTS; h++) {
    for (let i = 0; i < PER_HOST; i++) {
      const down = (i + round) % 97 === 0;
      containers.push({
        hostname: `host${h}`,
        name: `svc-${String(i).padStart(3, '0')}`,
        status: down ? 'exited' : 'running',
        monitored: i % 10 !== 0,
        checkedAt: new Date(now).toISOString(),
        lossPercent: (i * 7 + round * 20) % 100 < 5 ? 20 : 0,
        rttMs: 0.05 + ((i + round) % 13) / 100,
        cpuPercent: ((i * 3 + round) % 50) / 10,
        memoryBytes: 10_000_000 + i * 1000 + round,
        restarts: (i + round) % 4,
        ...(i % 50 === 0 ? { backoffUntil: new Date(now + 60_000).toISOString() } : {}),
        ...(i % 5 === 0
          ? {
              lastHeal: {
                at: new Date(now - i * 1000).toISOString(),
                action: 'restart',
                reason: 'loss 80% > threshold 60%',
                outcome: 'ok',
              },
            }
          : {}),
      });
    }
  }
  const hosts = Array.from({ length: HOSTS }, (_, h): Host => ({
    hostname: `host${h + 1}`,
    live: true,
    lastSeen: new Date(now).toISOString(),
    threshold: 60,
    monitored: PER_HOST * 0.9,
  }));
  return { containers, hosts };
}

export async function dashboardBench(): Promise<BenchResult> {
  const { gzipBytes } = await buildDashboard();
  let round = 0;
  const live = new Set<ServerResponse>();
  const json = (res: ServerResponse, body: unknown): void =>
    void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path === '/containers') return json(res, fleet(round).containers);
    if (path === '/hosts') return json(res, fleet(round).hosts);
    if (path === '/events') return json(res, { events: [] });
    if (path === '/events/live') {
      res.writeHead(200, { 'Content-Type': 'text/event-stream' }).write(': open\n\n');
      live.add(res);
      req.on('close', () => live.delete(res));
      return;
    }
    const file = path === '/' ? 'index.html' : path.replace(/^\//, '');
    try {
      res.writeHead(200, { 'Content-Type': types[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(join(dist, file)));
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: ['--no-sandbox', '--disable-gpu', '--enable-precise-memory-info'],
  });
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const firsts: number[] = [];
    const updates: number[] = [];
    const references: number[] = [];
    const scripts: number[] = [];
    let heapMb = 0;
    for (let run = 0; run < 5; run++) {
      const page = await browser.newPage();
      round = run;
      await page.goto(url);
      const painted = () => page.evaluate(() => performance.getEntriesByName('fleet-painted').map((e) => e.duration));
      await page.waitForFunction(() => performance.getEntriesByName('fleet-painted').length >= 1, undefined, { timeout: 20_000 });
      firsts.push((await painted())[0] ?? NaN);
      // One live update: new figures, a heal event pushed on the stream makes the page refresh at once.
      round = run + 1;
      for (const res of live)
        res.write(
          `id: ${run}\nevent: heal\ndata: ${JSON.stringify({ id: String(run), type: 'heal', at: new Date().toISOString(), host: 'host1', container: 'svc-001', action: 'start', outcome: 'ok', durationMs: 200 })}\n\n`,
        );
      await page.waitForFunction(() => performance.getEntriesByName('fleet-painted').length >= 2, undefined, { timeout: 20_000 });
      updates.push((await painted())[1] ?? NaN);
      scripts.push((await page.evaluate(() => performance.getEntriesByName('fleet-updated').map((e) => e.duration)))[1] ?? NaN);
      heapMb = Math.max(
        heapMb,
        await page.evaluate(() => (performance as unknown as { memory: { usedJSHeapSize: number } }).memory.usedJSHeapSize / 1e6),
      );
      // The reference: the same 1,500 rows as one innerHTML table, timed to the next frame in the same page.
      references.push(
        await page.evaluate(async () => {
          const data = (await (await fetch('containers')).json()) as {
            hostname: string;
            name: string;
            status: string;
            lossPercent?: number;
            cpuPercent?: number;
            memoryBytes?: number;
          }[];
          const started = performance.now();
          const box = document.createElement('div');
          box.innerHTML = `<table>${data.map((c) => `<tr><td>${c.hostname}</td><td>${c.name}</td><td>${c.status}</td><td>${c.lossPercent ?? ''}</td><td>${c.cpuPercent ?? ''}</td><td>${c.memoryBytes ?? ''}</td></tr>`).join('')}</table>`;
          document.body.append(box);
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));
          const took = performance.now() - started;
          box.remove();
          return took;
        }),
      );
      await page.close();
    }
    const f = summarize(firsts);
    const u = summarize(updates);
    const r = summarize(references);
    console.log(`live update: our script ${ms(summarize(scripts).median)} of it, the rest is the browser's style, layout and paint`);
    console.log(
      `first render ${ms(f.median)} (max ${ms(f.max)}), live update ${ms(u.median)} (max ${ms(u.max)}), plain innerHTML table ${ms(r.median)}; heap ${heapMb.toFixed(1)} MB; bundle ${(gzipBytes / 1024).toFixed(1)} KB gzipped`,
    );
    rows.push({
      figure: `dashboard first render, ${HOSTS} x ${PER_HOST} containers, data in to painted (median / max of 5)`,
      value: `${ms(f.median)} / ${ms(f.max)}`,
      reference: 'one innerHTML table of the same rows',
      referenceValue: ms(r.median),
      ratio: `${(f.median / r.median).toFixed(2)}x`,
      target: '< 1000 ms',
      met: f.max < 1000,
    });
    rows.push({
      figure: 'dashboard live update (a heal arrives), data in to painted (median / max)',
      value: `${ms(u.median)} / ${ms(u.max)}`,
      reference: 'one innerHTML table of the same rows',
      referenceValue: ms(r.median),
      ratio: `${(u.median / r.median).toFixed(2)}x`,
      target: '< 100 ms',
      met: u.max < 100,
    });
    rows.push({
      figure: 'dashboard JS heap with 1,500 containers',
      value: `${heapMb.toFixed(1)} MB`,
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '-',
      met: null,
    });
    rows.push({
      figure: "dashboard's own bundle (JS + CSS + HTML), gzipped",
      value: `${(gzipBytes / 1024).toFixed(1)} KB`,
      reference: '-',
      referenceValue: '-',
      ratio: '-',
      target: '< 150 KB',
      met: gzipBytes < 150 * 1024,
    });
    Object.assign(raw, { firsts, updates, references, heapMb, gzipBytes });
  } finally {
    await browser.close();
    for (const res of live) res.end();
    server.close();
  }
  return { name: 'dashboard', rows, raw };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  dashboardBench().then(
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
