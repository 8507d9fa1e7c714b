import type { Browser, BrowserContext, Page } from 'playwright-core';
import { consoleContext, launchBrowser } from '../support/browser';
import { TEST_IMAGE, removeProjects } from '../support/e2e-app';
import { spawnService, type ServiceProcess } from '../support/service-process';
import { buildZip } from '../support/zip-fixtures';

/** Markup that would run or draw if the console ever put API text into the page as HTML. */
const HOSTILE = '<img src=x data-injected=1 onerror="globalThis.pwned=1"><b data-injected=1>bold</b>';
const BOOT = `print(${JSON.stringify(HOSTILE)}, flush=True)\nimport time\ntime.sleep(100000)\n`;

/**
 * Hostile text from everything a container's owner controls (env values, file names in an uploaded
 * zip, boot.py's output) and from a crafted link (the cuid in the URL fragment) is shown as text:
 * no element is created from it, and no CSP violation is even attempted.
 */
describe('console against hostile container content', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let cuid: string;

  beforeAll(async () => {
    service = await spawnService();
    browser = await launchBrowser();
    const res = await service.http().post('/containers').send({ image: TEST_IMAGE, env: { HOSTILE } });
    expect(res.status).toBe(201);
    cuid = res.body.cuid as string;
    const zip = buildZip([
      { name: 'boot.py', data: BOOT },
      { name: `${HOSTILE.replace(/\//g, '_')}.txt`, data: 'x' },
    ]);
    const up = await service
      .http()
      .post(`/containers/${cuid}/upload-zip`)
      .set('Content-Type', 'application/zip')
      .send(zip);
    expect(up.status).toBe(200);
    expect((await service.http().post(`/containers/${cuid}/start`)).status).toBe(200);
  }, 120_000);

  beforeEach(async () => {
    context = await consoleContext(browser);
    page = await context.newPage();
    await page.addInitScript(() => {
      const g = globalThis as unknown as {
        violations: string[];
        addEventListener(type: string, cb: (e: { violatedDirective: string }) => void): void;
      };
      g.violations = [];
      g.addEventListener('securitypolicyviolation', (e) => g.violations.push(e.violatedDirective));
    });
  });

  afterEach(async () => {
    // Nothing was injected: no element from the hostile text, no handler run, no violation attempted.
    expect(await page.locator('[data-injected]').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as unknown as { pwned?: number }).pwned)).toBeUndefined();
    expect(await page.evaluate(() => (globalThis as unknown as { violations: string[] }).violations)).toEqual([]);
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    service?.child.kill('SIGTERM');
    await service?.exited;
    if (service) await removeProjects(service.projectsDir);
  });

  it('shows an env value as text on the Overview', async () => {
    await page.goto(`${service.baseUrl}/#/containers/${cuid}`);
    await page.getByRole('rowheader', { name: 'HOSTILE' }).waitFor();
    await page.getByRole('cell', { name: HOSTILE, exact: true }).waitFor();
  });

  it('shows a file name from an uploaded zip as text in Files', async () => {
    await page.goto(`${service.baseUrl}/#/containers/${cuid}/files`);
    const files = page.getByRole('table', { name: 'Files' });
    await files.getByRole('cell', { name: `${HOSTILE.replace(/\//g, '_')}.txt`, exact: true }).waitFor();
  });

  it("shows boot.py's output as text in Logs", async () => {
    await page.goto(`${service.baseUrl}/#/containers/${cuid}/logs`);
    await page
      .getByRole('log', { name: 'Logs output' })
      .getByText(HOSTILE, { exact: true })
      .waitFor({ timeout: 15_000 });
  });

  it('shows a crafted cuid from a link as text', async () => {
    await page.goto(`${service.baseUrl}/#/containers/${encodeURIComponent(HOSTILE)}`);
    await page.getByRole('heading', { name: HOSTILE }).waitFor();
  });
});
