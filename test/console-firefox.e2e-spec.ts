import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'puppeteer-core';
import { TEST_IMAGE, removeProjects } from './support/e2e-app';
import { fieldLabelled, firefoxPage, launchFirefox, waitForText, type InPage } from './support/firefox';
import { spawnService, type ServiceProcess } from './support/service-process';
import { buildZip } from './support/zip-fixtures';

const BOOT = 'import time\nprint("firefox-boot-ok", flush=True)\ntime.sleep(100000)\n';
const aria = (role: string, name: string): string => `::-p-aria([name="${name}"][role="${role}"])`;

/**
 * The console's main flow in Firefox (Debian's firefox-esr over WebDriver BiDi), against the built
 * service and the real engine: create through the form, upload boot.py, start, a status change made
 * elsewhere reaching the row live, a typed command's output in the terminal, boot.py in Logs, and
 * those actions on the Audit page. The Chromium suite (console.e2e-spec.ts) covers the rest.
 */
describe('web console in Firefox', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cm-firefox-'));
    service = await spawnService();
    browser = await launchFirefox();
    page = await firefoxPage(browser);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    service?.child.kill('SIGTERM');
    await service?.exited;
    if (service) await removeProjects(service.projectsDir);
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates, uploads, starts, sees a live change, runs a command, reads the logs and audits it', async () => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${service.baseUrl}/`);
    expect(await page.evaluate(() => (globalThis as unknown as InPage).navigator.userAgent)).toMatch(/Firefox\//);
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'no-reload'));
    await waitForText(page, 'section.health', 'live');

    // Create: the refused memory value is shown beside Memory, then the fixed form creates.
    await page.locator(aria('button', 'New container')).click();
    await page.locator(await fieldLabelled(page, 'Image')).fill(TEST_IMAGE);
    const memory = await fieldLabelled(page, 'Memory');
    await page.locator(memory).fill('lots');
    await page.locator(aria('button', 'Create')).click();
    await waitForText(page, '[role="alert"]', 'INVALID_MEMORY');
    expect(await page.$eval(memory, (el) => el.getAttribute('aria-invalid'))).toBe('true');
    await page.locator(memory).fill('256m');
    await page.locator(aria('button', 'Create')).click();
    await page.waitForFunction(() =>
      /#\/containers\/c[0-9a-f-]+$/.test((globalThis as unknown as InPage).location.hash),
    );
    const cuid = decodeURIComponent(
      (await page.evaluate(() => (globalThis as unknown as InPage).location.hash)).split('/')[2]!,
    );

    // Upload boot.py through the Files tab (the picker).
    await page.locator(aria('tab', 'Files')).click();
    const zip = path.join(dir, 'app.zip');
    writeFileSync(zip, buildZip([{ name: 'boot.py', data: BOOT }]));
    const input = await page.waitForSelector(await fieldLabelled(page, 'Upload zip'));
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(zip);
    await waitForText(page, 'table[aria-label="Files"] td', 'boot.py');

    // Start from the row; a pause made through the API reaches the row without a reload.
    await page.locator(aria('link', 'Containers')).click();
    const row = `tr[data-cuid="${cuid}"]`;
    await waitForText(page, `${row} .badge`, 'created');
    await page.locator(`${row} ${aria('button', 'Start')}`).click();
    await waitForText(page, `${row} .badge`, 'running', 30_000);
    expect((await service.http().post(`/containers/${cuid}/pause`)).status).toBe(200);
    await waitForText(page, `${row} .badge`, 'paused');
    await page.locator(`${row} ${aria('button', 'Unpause')}`).click();
    await waitForText(page, `${row} .badge`, 'running');
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('no-reload');

    // Terminal: the shell answers a typed command (the socket passed the Basic and Origin checks).
    await page.locator(`${row} ${aria('link', cuid.slice(0, 9))}`).click();
    await page.locator(aria('tab', 'Terminal')).click();
    await waitForText(page, '[role="status"]', 'shell open', 20_000);
    await page.locator('[aria-label="Terminal screen"]').click();
    await page.keyboard.type('echo hello-$((6*7))\n');
    await waitForText(page, '[aria-label="Terminal screen"]', 'hello-42');
    await page.screenshot({ path: '/tmp/console-firefox-terminal.png' });

    // boot.py's output in Logs (/logs as Server-Sent Events).
    await page.locator(aria('tab', 'Logs')).click();
    await waitForText(page, '[role="log"]', 'firefox-boot-ok', 15_000).catch(async (err: unknown) => {
      // Say what the tab showed instead (its status line and the first lines), not just "timed out".
      await page.screenshot({ path: '/tmp/console-firefox-logs.png' });
      const shown = await page.$eval('.logs', (el) => el.textContent);
      throw new Error(`Logs did not show boot.py's line; the tab showed: ${shown}`, { cause: err });
    });

    // Those actions on the Audit page.
    await page.locator(aria('link', 'Audit')).click();
    await page.locator(await fieldLabelled(page, 'Container')).fill(cuid);
    await page.locator(aria('button', 'Apply filters')).click();
    for (const action of ['container.create', 'files.upload', 'container.start', 'container.unpause']) {
      await waitForText(page, 'table td', action);
    }
    // Status changes came over /events the whole time, not from the polling fallback.
    expect(await page.$eval('.health-live', (el) => el.textContent)).toBe('live');
    await page.screenshot({ path: '/tmp/console-firefox-audit.png' });
    expect(errors).toEqual([]);
    expect((await service.http().delete(`/containers/${cuid}`)).status).toBe(200);
  }, 180_000);
});
