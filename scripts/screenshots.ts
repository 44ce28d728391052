/**
 * `npm run screenshots`: the two pictures of the dashboard in README.md and docs/dashboard.md, taken in headless Chromium
 * from a running stack (CONTROL_URL, default http://localhost:8080; let it run a few minutes
 * under chaos first): docs/screenshots/fleet.png and container.png (the container with the most
 * restarts, over the last 15 minutes).
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Container } from '../api/contract.generated.js';

const base = (process.env['CONTROL_URL'] ?? 'http://localhost:8080').replace(/\/$/, '');
const out = new URL('../docs/screenshots/', import.meta.url).pathname;
mkdirSync(out, { recursive: true });
const containers = (await (await fetch(`${base}/containers`)).json()) as Container[];
const busiest = containers.filter((c) => c.monitored).sort((a, b) => (b.restarts ?? 0) - (a.restarts ?? 0))[0];
const browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
  executablePath: process.env['CHROMIUM'] ?? '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1280, height: 800 },
  args: ['--no-sandbox', '--disable-gpu'],
});
const page = browser.pages()[0] ?? (await browser.newPage());
await page.goto(`${base}/`);
await page.locator('.rows [role="row"]').first().waitFor();
await page.waitForTimeout(1500);
await page.screenshot({ path: `${out}fleet.png` });
if (busiest) {
  await page.goto(`${base}/#/c/${busiest.hostname}/${busiest.name}`);
  await page.locator('figure[data-metric="rtt"] canvas').waitFor({ timeout: 15_000 });
  await page.getByRole('button', { name: '15m' }).click();
  await page.locator('figure[data-metric="rtt"] canvas').waitFor({ timeout: 15_000 });
  await page.waitForTimeout(1000);
  await page.screenshot({ path: `${out}container.png` });
}
await browser.close();
console.log(`written: ${out}fleet.png${busiest ? `, ${out}container.png (${busiest.hostname}/${busiest.name})` : ''}`);
