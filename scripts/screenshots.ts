/**
 * `npm run screenshots`: the two pictures of the dashboard in README.md and docs/dashboard.md, taken in headless Chromium
 * from a running stack (CONTROL_URL, default http://localhost:8080; let it run a few minutes
 * under chaos first): docs/screenshots/fleet.png and container.png (the container with the most
 * restarts, over the last 15 minutes); and the CLI in a terminal: `watchdog status` run in tmux (a
 * real terminal, so in colour), captured with its colours and drawn as the terminal showed it
 * (docs/screenshots/cli-status.png).
 */
import { execFileSync } from 'node:child_process';
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
await page.goto('about:blank'); // the dashboard's Content-Security-Policy would refuse the inline styles
await page.setContent(terminalPage(cliInTmux(['status'])));
await page.locator('pre').screenshot({ path: `${out}cli-status.png` });
await browser.close();
console.log(
  `written: ${out}fleet.png${busiest ? `, ${out}container.png (${busiest.hostname}/${busiest.name})` : ''}, ${out}cli-status.png`,
);

/** What `watchdog <args>` printed in a 150x40 tmux terminal, with its colour codes. */
function cliInTmux(args: string[]): string {
  const session = `watchdog-shot-${process.pid}`;
  const root = new URL('..', import.meta.url).pathname;
  const command = `cd ${root} && CONTROL_URL=${base} node bin/watchdog.mjs ${args.join(' ')}; sleep 60`;
  execFileSync('tmux', ['new-session', '-d', '-s', session, '-x', '150', '-y', '40', command]);
  try {
    execFileSync('sleep', ['3']);
    return execFileSync('tmux', ['capture-pane', '-e', '-p', '-t', session], { encoding: 'utf8' }).trimEnd();
  } finally {
    execFileSync('tmux', ['kill-session', '-t', session]);
  }
}

/** A terminal's text with its SGR colour codes as HTML, white on near-black in a monospace font. */
function terminalPage(text: string): string {
  const colours: Record<string, string> = { '31': '#ff6b6b', '32': '#69db7c', '33': '#ffd43b', '2': '#868e96' };
  const escape = (t: string): string => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  let open = false;
  const html = text
    .split(new RegExp(`${String.fromCharCode(27)}\\[([0-9;]*)m`))
    .map((part, i) => {
      if (i % 2 === 0) return escape(part);
      const closing = open ? '</span>' : '';
      const colour = part
        .split(';')
        .map((code) => colours[code])
        .find(Boolean);
      open = colour !== undefined;
      return closing + (colour ? `<span style="color:${colour}">` : '');
    })
    .join('');
  return `<body style="margin:0;background:#fff"><pre style="margin:0;padding:16px 20px;background:#1e1e1e;color:#e9ecef;font:14px/1.35 'DejaVu Sans Mono',monospace;display:inline-block">$ watchdog status\n${html}${open ? '</span>' : ''}</pre></body>`;
}
