/**
 * Swagger UI in headless Chromium: an operator opens /docs, gives the API token with "Authorize",
 * runs PUT /threshold and GET /containers with "Try it out", and sees the results from the real agents.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { agentBrokerUrl } from '../../lab/broker-users.js';
import { startAgent, type AgentProcess } from '../../lab/agent-process.js';
import { deleteAgentQueues } from '../../lab/broker.js';
import { startControl, type ControlProcess } from '../../lab/control-process.js';
import { http } from '../../lab/http.js';
import { createTarget, engine, removeRunContainers, runId, uniqueName } from '../../lab/docker.js';
import { waitFor } from '../../lab/wait.js';

const host = `ui-${runId}`;
const target = uniqueName('ui');
const TOKEN = `token-${runId}`;
let control: ControlProcess;
let agent: AgentProcess;
let browser: BrowserContext;

before(async () => {
  await createTarget(target);
  control = await startControl({ API_TOKEN: TOKEN });
  agent = startAgent({ AMQP_URL: agentBrokerUrl(host), AGENT_HOSTNAME: host, CHECK_INTERVAL_MS: '1000' });
  await waitFor(
    'the agent to be live',
    async () =>
      (await http<{ hostname: string; live: boolean }[]>('GET', `${control.url}/hosts`)).body.some((h) => h.hostname === host && h.live),
    20_000,
    100,
  );
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'chromium-')), {
    executablePath: '/usr/bin/chromium',
    headless: true,
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
});

after(async () => {
  await browser?.close();
  await agent?.stop();
  await control?.stop();
  await deleteAgentQueues([host]);
  await removeRunContainers(engine());
});

const shots = new URL('../output/screenshots/', import.meta.url).pathname;

async function tryItOut(page: Page, operationId: string, body?: string): Promise<{ status: string; text: string }> {
  const operation = page.locator(`[id$="-${operationId}"]`).first();
  await operation.locator('.opblock-summary').first().click();
  await operation.getByRole('button', { name: 'Try it out' }).click();
  if (body !== undefined) await operation.locator('textarea.body-param__text').fill(body);
  return execute(page, operationId);
}

/** Presses Execute on an operation already open for "Try it out", and reads the answer that follows. */
async function execute(page: Page, operationId: string): Promise<{ status: string; text: string }> {
  const operation = page.locator(`[id$="-${operationId}"]`).first();
  const before = await operation.locator('.live-responses-table').count();
  if (before > 0) await operation.getByRole('button', { name: 'Clear' }).click();
  await operation.getByRole('button', { name: 'Execute' }).click();
  const status = operation.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  const text = (await operation.locator('.live-responses-table .response-col_description pre').first().textContent()) ?? '';
  return { status: ((await status.textContent()) ?? '').trim(), text };
}

it('an operator sets the threshold and lists the containers through Swagger UI', async () => {
  const page = await browser.newPage();
  await page.goto(`${control.url}/docs/`);
  await page.getByText('Container watchdog control API').first().waitFor({ timeout: 15_000 });

  // Without the token the change is refused; with it, given once through "Authorize", it is made.
  const refused = await tryItOut(page, 'setThreshold', '42');
  assert.equal(refused.status, '401');
  await page.locator('.auth-wrapper .authorize').first().click();
  const dialog = page.locator('.modal-ux');
  await dialog.locator('input[type="text"], input[type="password"]').first().fill(TOKEN);
  await dialog.locator('.auth.authorize').click();
  await dialog.locator('.btn-done').click();
  const put = await execute(page, 'setThreshold');
  assert.equal(put.status, '200');
  assert.match(put.text, /"threshold": 42/);
  assert.match(put.text, new RegExp(host));

  const list = await tryItOut(page, 'listContainers');
  assert.equal(list.status, '200');
  assert.match(list.text, new RegExp(`"name": "${target}"`));
  // The list call as the operator sees it: its filters, empty by default, and the answer.
  mkdirSync(shots, { recursive: true });
  await page
    .locator('[id$="-listContainers"]')
    .first()
    .screenshot({ path: `${shots}swagger-list-containers.png` });
  await http('PUT', `${control.url}/threshold`, { body: '60', headers: { Authorization: `Bearer ${TOKEN}` } });
});
