/**
 * Bundles the dashboard (dashboard/*.ts, its CSS and uPlot) with esbuild into dashboard/dist:
 * index.html, assets/dashboard.js and assets/dashboard.css, served by control at /. Prints the
 * bundle's size gzipped (the budget is 150 KB).
 */
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';

const root = new URL('../dashboard/', import.meta.url).pathname;
const out = `${root}dist/`;

export async function buildDashboard(): Promise<{ gzipBytes: number }> {
  mkdirSync(`${out}assets`, { recursive: true });
  await build({
    entryPoints: { dashboard: `${root}main.ts` },
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    outdir: `${out}assets`,
    logLevel: 'warning',
    legalComments: 'none',
  });
  copyFileSync(`${root}index.html`, `${out}index.html`);
  copyFileSync(`${root}favicon.svg`, `${out}assets/favicon.svg`);
  const gzipBytes = ['assets/dashboard.js', 'assets/dashboard.css', 'index.html'].reduce(
    (n, f) => n + gzipSync(readFileSync(`${out}${f}`)).length,
    0,
  );
  return { gzipBytes };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { gzipBytes } = await buildDashboard();
  console.log(`dashboard built: dashboard/dist (${(gzipBytes / 1024).toFixed(1)} KB gzipped)`);
}
