/**
 * The dashboard in real headless Chromium against the lab: two Docker hosts with their agents, a
 * real Prometheus scraping them, control serving the page. It loads without a console error, lists
 * both hosts' containers, shows a heal in the timeline within 2 s of a kill, sends a threshold every
 * agent confirms, charts a container from Prometheus, steers monitoring, and marks a silent host.
 * Each test saves a screenshot in test/output/screenshots.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { createTarget, engine, hostSocket, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { http } from '../../lab/http.js';
import { startPrometheus, type PrometheusProcess } from '../../lab/prometheus-process.js';
import { waitFor } from '../../lab/wait.js';
import type { Host } from '../../api/contract.generated.js';

const shots = new URL('../output/screenshots/', import.meta.url).pathname;
const hosts = [1, 2].map((n) => ({
  hostname: `dash${n}-${runId}`,
  socket: hostSocket(n),
  docker: engine(hostSocket(n)),
  target: uniqueName(`web${n}`),
}));
const [one, two] = hosts as [(typeof hosts)[0], (typeof hosts)[0]];
const agents: AgentProcess[] = [];
let control: ControlProcess;
let prometheus: PrometheusProcess;
let browser: BrowserContext;
let page: Page;
const problems: string[] = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  const ports: number[] = [];
  for (const h of hosts) {
    await createTarget(h.target, { docker: h.docker });
    const agent = startAgent({
      AMQP_URL: agentBrokerUrl(h.hostname),
      AGENT_HOSTNAME: h.hostname,
      DOCKER_HOST: `unix://${h.socket}`,
      MONITORED: h.target,
      CHECK_INTERVAL_MS: '1000',
      METRICS_PORT: '0',
    });
    agents.push(agent);
    ports.push((await agent.waitForLog('the metrics endpoint', (e) => typeof e['metricsPort'] === 'number'))['metricsPort'] as number);
  }
  prometheus = await startPrometheus({ agent: ports.map((p) => `127.0.0.1:${p}`) });
  control = await startControl({ PROMETHEUS_URL: prometheus.url, HOST_TIMEOUT_MS: '3000' });
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1280, height: 800 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  // The page opens once control lists both containers (opened in control's first second it got a 503 and, in some runs, Chromium sent no more requests).
  await waitFor(
    'control to list both containers',
    async () => {
      const listed = (await http<{ hostname: string; name: string }[]>('GET', `${control.url}/containers`)).body;
      return hosts.every((h) => listed.some((c) => c.hostname === h.hostname && c.name === h.target));
    },
    20_000,
    200,
  );
  // And once it has read the events stream's history (GET /events answers then): a live event comes after it.
  await http('GET', `${control.url}/events?limit=1`);
  page = browser.pages()[0] ?? (await browser.newPage());
  // ERR_NETWORK_CHANGED is Chromium aborting a request because an interface came or went: here the
  // browser shares the host's network with the containers the tests restart (each start adds a veth).
  page.on(
    'console',
    (m) =>
      m.type() === 'error' && !m.text().includes('net::ERR_NETWORK_CHANGED') && problems.push(`console: ${m.text()} (${m.location().url})`),
  );
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
});

after(async () => {
  await browser?.close();
  await Promise.all(agents.map((a) => a.stop()));
  await control?.stop();
  await prometheus?.stop();
  await deleteAgentQueues(hosts.map((h) => h.hostname));
  await Promise.all(hosts.map((h) => removeRunContainers(h.docker)));
});

const row = (h: (typeof hosts)[0]) => page.locator(`[role="row"][data-key="${h.hostname}/${h.target}"]`);

it("loads without a console error and lists both hosts' containers, with what was measured", async () => {
  const response = await page.goto(control.url);
  assert.equal(response?.status(), 200);
  assert.equal(response?.headers()['content-security-policy'], "default-src 'self'; frame-ancestors 'none'");
  await row(one).waitFor({ timeout: 15_000 });
  await row(two).waitFor({ timeout: 15_000 });
  await waitFor(
    'the loss of both to be listed',
    async () => (await page.locator('[data-col="lossPercent"]', { hasText: '0 %' }).count()) >= 2,
    15_000,
    200,
  );
  assert.match(await row(one).locator('[data-col="status"]').innerText(), /running/);
  assert.match(await page.locator(`li.host.live[data-host="${two.hostname}"]`).innerText(), /live/i);
  await page.screenshot({ path: `${shots}fleet.png` });
  assert.deepEqual(problems, []);
});

it('sorts and filters without losing the choice at the next live update', async () => {
  await page.locator('input[type="search"]').fill(two.target);
  await waitFor('the filter to apply', async () => (await page.locator('.rows [role="row"]').count()) === 1, 5_000, 50);
  // Sorting from the keyboard: the column headers are buttons.
  await page.locator('button[data-sort="name"]').focus();
  await page.keyboard.press('Enter');
  // The next live refresh (every 5 s) keeps them: the page marks each one painted.
  const painted = await page.evaluate(() => performance.getEntriesByName('fleet-painted').length);
  await page.waitForFunction((n) => performance.getEntriesByName('fleet-painted').length > n, painted, { timeout: 10_000 });
  assert.equal(await page.locator('.rows [role="row"]').count(), 1);
  assert.equal(await page.locator('[aria-sort="ascending"] button').innerText(), 'Container');
  await page.locator('input[type="search"]').fill('');
});

it("shows a killed container's heal in the timeline within 2 s", async () => {
  await page.goto(`${control.url}/#/timeline`);
  await page.locator('.timeline').waitFor();
  await page.locator('.live.on').waitFor({ timeout: 10_000 });
  const killed = Date.now();
  await one.docker.getContainer(one.target).kill();
  await page.locator(`.timeline li.event-heal:has-text("${one.hostname}/${one.target}")`).waitFor({ timeout: 10_000 });
  const shownAfter = Date.now() - killed;
  await page.screenshot({ path: `${shots}timeline.png` });
  assert.ok(shownAfter < 2000, `the heal showed ${shownAfter} ms after the kill`);
});

it('sets a threshold that every agent confirms', async () => {
  await page.goto(control.url);
  await page.locator('#threshold').fill('75');
  await page.getByRole('button', { name: 'Set on all hosts' }).click();
  await page.locator('.notice.ok', { hasText: 'threshold 75 %: confirmed by' }).waitFor({ timeout: 10_000 });
  // GET /hosts shows each agent's threshold from its next heartbeat (every 2 s).
  await waitFor(
    'every agent to report 75 %',
    async () => {
      const { body } = await http<Host[]>('GET', `${control.url}/hosts`);
      return hosts.every((h) => body.find((x) => x.hostname === h.hostname)?.threshold === 75);
    },
    5_000,
    200,
  );
  await page.screenshot({ path: `${shots}threshold.png` });
});

it('unmonitors and monitors a container from its row, as the API confirms', async () => {
  await row(two)
    .getByRole('button', { name: `Unmonitor ${two.target} on ${two.hostname}` })
    .click();
  await page.locator('.notice.ok', { hasText: `${two.target} on ${two.hostname}: no longer monitored` }).waitFor({ timeout: 10_000 });
  const listed = async () =>
    (await http<{ hostname: string; name: string; monitored: boolean }[]>('GET', `${control.url}/containers`)).body.find(
      (c) => c.hostname === two.hostname && c.name === two.target,
    );
  assert.equal((await listed())?.monitored, false);
  await row(two)
    .getByRole('button', { name: `Monitor ${two.target} on ${two.hostname}` })
    .click();
  await page.locator('.notice.ok', { hasText: `${two.target} on ${two.hostname}: monitored` }).waitFor({ timeout: 10_000 });
  assert.equal((await listed())?.monitored, true);
});

it("charts a container's measurements from Prometheus, with its heal marked", async () => {
  await page.goto(`${control.url}/#/c/${one.hostname}/${one.target}`);
  await page.getByRole('button', { name: '15m' }).click();
  await waitFor(
    'points on the round-trip chart',
    async () => {
      await page.getByRole('button', { name: '15m' }).click();
      return (
        Number(
          (await page
            .locator('figure[data-metric="rtt"]')
            .getAttribute('data-points', { timeout: 2000 })
            .catch(() => '0')) ?? 0,
        ) >= 3
      );
    },
    30_000,
    2000,
  );
  assert.equal(await page.locator('figure[data-metric="rtt"] canvas').count(), 1);
  assert.match(await page.locator('.events').innerText(), /start ok/);
  const policy = await waitFor(
    'the policy line',
    async () => {
      const text = await page.locator('.policy').innerText();
      return text.includes('loss threshold') ? text : null;
    },
    10_000,
    200,
  ).catch(async (error: Error) => assert.fail(`${error.message}; the line says: ${await page.locator('.policy').innerText()}`));
  assert.match(
    policy,
    /^Monitored\. Policy: loss threshold \d+ % \(host default\) · stop grace \d+ s \(host default\) · restart limit \d+ \(host default\) · action restart \(host default\) · when its budget is spent: backoff \(host default\)$/,
  );
  await page.screenshot({ path: `${shots}container.png`, fullPage: true });
  assert.deepEqual(problems, []);
});

it('with API_TOKEN, asks for the token once and sends it with every change', async () => {
  const guarded = await startControl({ API_TOKEN: 's3cret-token', PROMETHEUS_URL: prometheus.url });
  const tab = await browser.newPage();
  try {
    // Opened once control is connected and lists the container: this test is about the token. (Opened
    // during control's first second, the page got a 503, and in 2 of 10 runs Chromium then never sent
    // its next requests to that origin while Node's reached control at once; noted for the team.)
    await waitFor(
      'the new control to list the container',
      async () => {
        const list = await http<{ hostname: string; name: string }[]>('GET', `${guarded.url}/containers`).catch(() => null);
        return list?.status === 200 && list.body.some((c) => c.hostname === one.hostname && c.name === one.target);
      },
      20_000,
      200,
    );
    await tab.goto(guarded.url);
    const target = tab.locator(`[role="row"][data-key="${one.hostname}/${one.target}"]`);
    await target.waitFor({ timeout: 15_000 });
    await target.getByRole('button', { name: `Unmonitor ${one.target} on ${one.hostname}` }).click();
    const dialog = tab.locator('dialog[open]');
    await dialog.waitFor({ timeout: 5_000 });
    await dialog.locator('input[name="token"]').fill('s3cret-token');
    await dialog.getByRole('button', { name: 'Use it' }).click();
    await tab.locator('.notice.ok', { hasText: 'no longer monitored' }).waitFor({ timeout: 10_000 });
    await target.getByRole('button', { name: `Monitor ${one.target} on ${one.hostname}` }).click();
    await tab.locator('.notice.ok', { hasText: `${one.target} on ${one.hostname}: monitored` }).waitFor({ timeout: 10_000 });
    assert.equal(await tab.locator('dialog').count(), 0, 'asked only once');
  } finally {
    await tab.close();
    await guarded.stop();
  }
});

it('with API_READ_TOKEN, asks for the token once, then lists, updates live and changes with it', async () => {
  const closed = await startControl({ API_TOKEN: 'w-token', API_READ_TOKEN: 'r-token', PROMETHEUS_URL: prometheus.url });
  const tab = await browser.newPage();
  try {
    await waitFor(
      'the closed control to list the container',
      async () => {
        const list = await http<{ hostname: string; name: string }[]>('GET', `${closed.url}/containers`, {
          headers: { Authorization: 'Bearer w-token' },
        }).catch(() => null);
        return list?.status === 200 && list.body.some((c) => c.hostname === one.hostname && c.name === one.target);
      },
      20_000,
      200,
    );
    await tab.goto(closed.url);
    const dialog = tab.locator('dialog[open]');
    await dialog.waitFor({ timeout: 10_000 });
    await dialog.locator('input[name="token"]').fill('w-token');
    await dialog.getByRole('button', { name: 'Use it' }).click();
    await tab.locator(`[role="row"][data-key="${one.hostname}/${one.target}"]`).waitFor({ timeout: 15_000 });
    await tab.locator('.live.on').waitFor({ timeout: 10_000 }); // the live events stream, with the token
    assert.equal(await tab.locator('dialog').count(), 0, 'asked only once');
    await tab.screenshot({ path: `${shots}read-token.png` });
  } finally {
    await tab.close();
    await closed.stop();
  }
});

it("shows a container's service probe and its last result in its row; a failing one stands out", async () => {
  const probed = uniqueName('probed');
  await createTarget(probed, {
    docker: one.docker,
    labels: {
      'watchdog.monitor': 'true',
      'watchdog.probe': 'exec:test ! -e /dev/shm/bad',
      'watchdog.probe.period': '1',
      'watchdog.probe.failures': '100', // failing long before it would be restarted
    },
  });
  const cell = page.locator(`[role="row"][data-key="${one.hostname}/${probed}"] [data-col="monitored"]`);
  await page.goto(`${control.url}/`);
  await cell.filter({ hasText: 'yes · exec ✓' }).waitFor({ timeout: 20_000 });
  assert.match((await cell.getAttribute('title')) ?? '', /^exec "test ! -e \/dev\/shm\/bad": exit code 0/);
  execFileSync('docker', ['-H', `unix://${one.socket}`, 'exec', probed, 'touch', '/dev/shm/bad']);
  await cell.filter({ hasText: 'yes · exec ✗' }).waitFor({ timeout: 20_000 });
  assert.equal(await cell.evaluate((e) => e.classList.contains('probe-failing')), true);
  await page.screenshot({ path: join(shots, 'service-probe.png') });
});

it('marks an observe-only host on its card and on its rows', async () => {
  await page.goto(control.url);
  const on = await http<{ confirmed: string[] }>('PUT', `${control.url}/dry-run`, {
    body: JSON.stringify({ dryRun: true, hostname: one.hostname }),
  });
  assert.deepEqual(on.body.confirmed, [one.hostname]);
  try {
    await page.locator(`li.host[data-host="${one.hostname}"] .observe-only`).waitFor({ timeout: 15_000 });
    await row(one).and(page.locator('.observe-only')).waitFor({ timeout: 15_000 });
    assert.equal(await row(one).locator('[data-col="backoffUntil"]').textContent(), 'observe only', 'said where held-back heals show');
    assert.equal(await page.locator(`li.host[data-host="${two.hostname}"] .observe-only`).count(), 0, 'the other host is not');
    await page.screenshot({ path: `${shots}observe-only.png` });
  } finally {
    await http('PUT', `${control.url}/dry-run`, { body: JSON.stringify({ dryRun: false, hostname: one.hostname }) });
  }
});

it('marks a silence on the hosts it covers and on the rows it holds, and not elsewhere; gone once removed', async () => {
  await page.goto(control.url);
  const made = await http<{ silence: { id: string } }>('POST', `${control.url}/silences`, {
    body: JSON.stringify({
      hosts: [one.hostname],
      containers: one.target,
      until: new Date(Date.now() + 600_000).toISOString(),
      reason: 'dashboard test window',
    }),
    headers: { 'Content-Type': 'application/json' },
  });
  assert.equal(made.status, 201);
  // Other tests' silences of every host may be in force too (the stream keeps them): ours is told by its reason.
  const ours = (h: (typeof hosts)[0]) =>
    page.locator(`li.host[data-host="${h.hostname}"] .silenced`).and(page.locator('[title*="dashboard test window (by api)"]'));
  try {
    await ours(one).waitFor({ timeout: 15_000 });
    assert.match((await ours(one).textContent()) ?? '', /^silenced: \S+ until /);
    assert.match(
      (await ours(one).getAttribute('title')) ?? '',
      new RegExp(`${made.body.silence.id}: ${one.target} on ${one.hostname} until`),
    );
    await row(one).and(page.locator('.silenced')).waitFor({ timeout: 15_000 });
    const held = row(one).locator('[data-col="backoffUntil"]');
    assert.equal(await held.textContent(), 'silenced', 'said where held-back heals show');
    assert.match(
      (await held.getAttribute('title')) ?? '',
      new RegExp(`^silenced until .* by ${made.body.silence.id}: dashboard test window`),
    );
    assert.equal(await ours(two).count(), 0, 'the other host is not');
    assert.equal(await row(two).and(page.locator('.silenced')).count(), 0);
    await page.screenshot({ path: `${shots}silence.png` });
  } finally {
    await http('DELETE', `${control.url}/silences/${made.body.silence.id}`);
  }
  await ours(one).waitFor({ state: 'detached', timeout: 15_000 });
  await row(one).and(page.locator('.silenced')).waitFor({ state: 'detached', timeout: 15_000 });
});

it('marks a host whose agent went silent', async () => {
  await page.goto(control.url);
  agents[1]?.child.kill('SIGKILL');
  await page.locator(`li.host.silent[data-host="${two.hostname}"]`).waitFor({ timeout: 15_000 });
  await page.screenshot({ path: `${shots}silent-host.png` });
});

it('is readable on a phone, in dark mode', async () => {
  const phone = await browser.newPage();
  await phone.setViewportSize({ width: 390, height: 844 });
  await phone.emulateMedia({ colorScheme: 'dark' });
  await phone.goto(control.url);
  await phone.locator(`[role="row"][data-key="${one.hostname}/${one.target}"]`).waitFor({ timeout: 15_000 });
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px (only the table may)`);
  await phone.screenshot({ path: `${shots}phone-dark.png` });
  await phone.close();
});
