import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { inPool } from './support/bounded';
import { launchBrowser, consoleContext } from './support/browser';
import { TEST_IMAGE, removeProjects } from './support/e2e-app';
import { freePort, spawnService, type ServiceProcess } from './support/service-process';
import { buildZip } from './support/zip-fixtures';

/** Waits until `check` holds (a browser-side count settling, a frame arriving); fails after `timeout`. */
async function until(check: () => boolean | Promise<boolean>, what: string, timeout = 10_000): Promise<void> {
  const end = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const BOOT = 'import time\nprint("console-boot-ok", flush=True)\ntime.sleep(100000)\n';

/**
 * The browser console driven in headless Chromium against the built service and the real engine,
 * finding everything by role and accessible name as a person (or a screen reader) would.
 */
describe('web console in a real browser', () => {
  let service: ServiceProcess;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  beforeAll(async () => {
    service = await spawnService();
    browser = await launchBrowser();
  });

  beforeEach(async () => {
    context = await consoleContext(browser);
    page = await context.newPage();
  });

  afterEach(async () => {
    await context.close();
  });

  afterAll(async () => {
    await browser?.close();
    service?.child.kill('SIGTERM');
    await service?.exited;
    if (service) await removeProjects(service.projectsDir);
  });

  const rowOf = (cuid: string) =>
    page.getByRole('row').filter({ has: page.getByRole('link', { name: cuid.slice(0, 9), exact: true }) });

  it('creates, uploads, starts, runs a command, reads the logs, stops and deletes, then audits it all', async () => {
    await page.goto(`${service.baseUrl}/`);
    // A marker that a reload would wipe: every later check must happen on this same document.
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'no-reload'));
    // Status changes come from /events: the header says so once the stream is open.
    const health = page.getByRole('region', { name: 'Health' });
    await health.getByText('live', { exact: true }).waitFor();

    // Create: the API refuses a bad memory value and the form shows that beside Memory.
    await page.getByRole('button', { name: 'New container' }).click();
    await page.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await page.getByLabel('Tags', { exact: true }).fill('console-e2e');
    const memory = page.getByLabel('Memory', { exact: true });
    await memory.fill('lots');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_MEMORY' }).waitFor();
    expect(await memory.getAttribute('aria-invalid')).toBe('true');
    const describedBy = await memory.getAttribute('aria-describedby');
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain('INVALID_MEMORY');
    await memory.fill('256m');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/#\/containers\/c[0-9a-f-]+$/);
    const cuid = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);

    // Starting without boot.py: the API's refusal is shown, with its code and request id.
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'BOOT_SCRIPT_MISSING' });
    await refusal.waitFor();
    expect(await refusal.textContent()).toMatch(/request_id [\w-]+/);

    // Upload a zip with boot.py through the Files tab.
    await page.getByRole('tab', { name: 'Files' }).click();
    await page.getByLabel('Upload zip').setInputFiles({
      name: 'app.zip',
      mimeType: 'application/zip',
      buffer: buildZip([{ name: 'boot.py', data: BOOT }]),
    });
    await page.getByRole('table', { name: 'Files' }).getByRole('cell', { name: 'boot.py', exact: true }).waitFor();

    // Back on the list: Start from the row, then a change made elsewhere (the API) shows up live.
    await page.getByRole('link', { name: 'Containers', exact: true }).click();
    const row = rowOf(cuid);
    await row.getByText('created', { exact: true }).waitFor();
    await row.getByRole('button', { name: 'Start', exact: true }).click();
    await row.getByText('running', { exact: true }).waitFor();
    expect((await service.http().post(`/containers/${cuid}/pause`)).status).toBe(200);
    await row.getByText('paused', { exact: true }).waitFor({ timeout: 10_000 });
    expect(await row.getByRole('button', { name: 'Pause', exact: true }).isDisabled()).toBe(true);
    expect(await row.getByRole('button', { name: 'Unpause', exact: true }).isEnabled()).toBe(true);
    await row.getByRole('button', { name: 'Unpause', exact: true }).click();
    await row.getByText('running', { exact: true }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('no-reload');

    // Terminal: a typed command's output appears on the screen.
    await row.getByRole('link', { name: cuid.slice(0, 9), exact: true }).click();
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await page.getByRole('status').filter({ hasText: 'shell open' }).waitFor();
    const screen = page.getByRole('region', { name: 'Terminal screen' });
    await screen.click();
    await page.keyboard.type('echo hello-$((6*7))\n');
    await screen.getByText('hello-42').first().waitFor();
    await page.screenshot({ path: '/tmp/console-terminal.png' });

    // boot.py's output: in Attach (the terminal) and in Logs (GET /logs, followed live).
    await page.getByRole('button', { name: 'Attach' }).click();
    await page.getByRole('status').filter({ hasText: 'attached to boot.py' }).waitFor();
    await screen.getByText('console-boot-ok').first().waitFor();
    await page.getByRole('tab', { name: 'Logs' }).click();
    const logs = page.getByRole('log', { name: 'Logs output' });
    await logs.getByText('console-boot-ok').waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /^live$/ })
      .waitFor();
    expect((await service.http().post(`/containers/${cuid}/restart`)).status).toBe(200);
    // A restart prints the line again: the view follows without a reload.
    await logs.getByText('console-boot-ok').nth(1).waitFor({ timeout: 15_000 });

    // Stats: live charts of CPU, memory and pids from GET /stats?stream=true.
    await page.getByRole('tab', { name: 'Stats' }).click();
    await page.getByRole('img', { name: 'CPU over the last minute' }).waitFor();
    await page.getByText(/^CPU: [\d.]+% of [\d.]+ CPUs?$/).waitFor();
    await page.getByText(/^Memory: [\d.]+ MB of [\d.]+ MB$/).waitFor();
    expect(
      Number(await page.getByRole('figure').filter({ hasText: 'PIDs' }).locator('strong').textContent()),
    ).toBeGreaterThan(0);

    await page.screenshot({ path: '/tmp/console-stats.png' });
    await page.getByRole('tab', { name: 'Overview' }).click();
    await page.screenshot({ path: '/tmp/console-container.png', fullPage: true });

    // Stop and delete from the container page.
    await page.getByRole('button', { name: 'Stop', exact: true }).click();
    await page.getByText('stopped', { exact: true }).first().waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.waitForURL(/#\/$/);
    await rowOf(cuid).waitFor({ state: 'detached' });
    expect((await service.http().get(`/containers/${cuid}`)).status).toBe(404);

    // The Audit page lists those actions (GET /audit, filtered by the container).
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByLabel('Container', { exact: true }).fill(cuid);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table');
    for (const action of [
      'container.create',
      'files.upload',
      'container.start',
      'container.restart',
      'container.stop',
      'container.delete',
    ]) {
      await table.getByRole('cell', { name: action, exact: true }).first().waitFor();
    }
    await page.screenshot({ path: '/tmp/console-audit.png', fullPage: true });
    // Clicking the container of an entry opens that container's page (here: gone, so the API's 404).
    const created = table.getByRole('row').filter({ has: page.getByRole('cell', { name: 'container.create' }) });
    await created.getByRole('link', { name: cuid.slice(0, 9), exact: true }).click();
    await page.waitForURL(new RegExp(`#/containers/${cuid}$`));
  });

  it('renders the home page without console errors and serves it with the security headers', async () => {
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${service.baseUrl}/`);
    await page.getByRole('heading', { name: 'Containers' }).waitFor();
    await page
      .getByRole('region', { name: 'Health' })
      .getByText(/Engine OK · compose/)
      .waitFor();
    await page.screenshot({ path: '/tmp/console-home.png' });
    // The accessible names the issue lists, each naming exactly one control.
    await page.getByRole('button', { name: 'New container', exact: true }).click();
    const form = page.getByRole('form', { name: 'New container' });
    for (const name of ['Image', 'Environment', 'Tags', 'CPUs', 'Memory', 'PIDs', 'Ports', 'Command']) {
      expect({ name, count: await form.getByLabel(name, { exact: true }).count() }).toEqual({ name, count: 1 });
    }
    expect(await form.getByRole('button', { name: 'Create', exact: true }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Audit', exact: true }).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('sets lifetimes in the create form and edits them from the Overview, sending only what changed', async () => {
    await page.goto(`${service.baseUrl}/`);
    await page.getByRole('button', { name: 'New container' }).click();
    await page.getByLabel('Image', { exact: true }).fill(TEST_IMAGE);
    await page.getByLabel('Tags', { exact: true }).fill('lifetimes');
    const ttl = page.getByLabel('TTL (seconds)', { exact: true });
    await ttl.fill('soon');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: 'INVALID_TTL' }).waitFor();
    expect(await ttl.getAttribute('aria-invalid')).toBe('true');
    await ttl.fill('3600');
    await page.getByLabel('Idle stop (seconds)', { exact: true }).fill('600');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL(/#\/containers\/c[0-9a-f-]+$/);
    const cuid = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
    const read = async () => (await service.http().get(`/containers/${cuid}`)).body as Record<string, unknown>;
    const created = await read();
    expect({ ttl_s: created.ttl_s, idle_stop_s: created.idle_stop_s }).toEqual({ ttl_s: 3600, idle_stop_s: 600 });

    // The Overview shows both deadlines; Keep alive pushes the idle one.
    const facts = page.locator('dl.facts');
    await facts.getByText(/\(ttl 3600 s\)/).waitFor();
    await facts.getByText(/after 600 s unused/).waitFor();
    await new Promise((r) => setTimeout(r, 1_100));
    const [keepalive] = await Promise.all([
      page.waitForResponse((r) => r.url().endsWith(`/containers/${cuid}/keepalive`)),
      page.getByRole('button', { name: 'Keep alive' }).click(),
    ]);
    expect(keepalive.status()).toBe(200);
    const kept = (await keepalive.json()) as { idle_stop_at: string };
    expect(Date.parse(kept.idle_stop_at)).toBeGreaterThan(Date.parse(String(created.idle_stop_at)));

    // Edit: a refused value is shown beside its field; then clear the TTL and change the idle stop.
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit container' });
    const idle = edit.getByLabel('Idle stop (seconds)', { exact: true });
    expect(await edit.getByLabel('TTL (seconds)', { exact: true }).inputValue()).toBe('3600');
    expect(await idle.inputValue()).toBe('600');
    await idle.fill('0');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.getByRole('alert').filter({ hasText: 'INVALID_IDLE_STOP' }).waitFor();
    expect(await idle.getAttribute('aria-invalid')).toBe('true');
    await edit.getByLabel('TTL (seconds)', { exact: true }).fill('');
    await idle.fill('1200');
    const [patch] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'PATCH' && r.url().endsWith(`/containers/${cuid}`)),
      edit.getByRole('button', { name: 'Save' }).click(),
    ]);
    // Only the lifetimes: resending tags or resources would make a running container go through up again.
    expect(patch.postDataJSON()).toEqual({ ttl_s: null, idle_stop_s: 1200 });
    await facts.getByText(/after 1200 s unused/).waitFor();
    await facts.getByText('never', { exact: true }).waitFor();
    const edited = await read();
    expect({ ttl_s: edited.ttl_s, expires_at: edited.expires_at, idle_stop_s: edited.idle_stop_s }).toEqual({
      ttl_s: null,
      expires_at: null,
      idle_stop_s: 1200,
    });
    expect(edited.tags).toEqual(['lifetimes']);

    // Setting a TTL again from the Overview gives a deadline counted from the save.
    const before = Date.now();
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await edit.getByLabel('TTL (seconds)', { exact: true }).fill('7200');
    await edit.getByRole('button', { name: 'Save' }).click();
    await facts.getByText(/\(ttl 7200 s\)/).waitFor();
    const expires = Date.parse(String((await read()).expires_at));
    expect(expires).toBeGreaterThanOrEqual(before + 7_200_000 - 2_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 7_200_000 + 2_000);
    await page.screenshot({ path: '/tmp/console-lifetimes.png', fullPage: true });
    expect((await service.http().delete(`/containers/${cuid}`)).status).toBe(200);
  });

  it('falls back to polling while /events is refused, tries it again, and goes live once it answers', async () => {
    let asked = 0;
    await page.route(/\/events$/, (route) => {
      asked += 1;
      if (asked > 1) return route.continue();
      return route.fulfill({
        status: 503,
        contentType: 'application/json',
        body: JSON.stringify({
          error: 'service_unavailable',
          code: 'ENGINE_UNAVAILABLE',
          message: 'refused by the test',
          status: 503,
          request_id: 'test',
        }),
      });
    });
    const listings: number[] = [];
    page.on('request', (r) => {
      if (/\/containers\?limit=500/.test(r.url())) listings.push(Date.now());
    });
    await page.goto(`${service.baseUrl}/`);
    const health = page.getByRole('region', { name: 'Health' });
    await health.getByText('polling', { exact: true }).waitFor();
    await health.getByText('live', { exact: true }).waitFor({ timeout: 20_000 });
    expect(asked).toBe(2);
    // Polling stopped (one listing when the stream came back, then none) and changes come live.
    await new Promise((r) => setTimeout(r, 600));
    const since = Date.now();
    const created = await service
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, tags: ['back-live'] });
    expect(created.status).toBe(201);
    await rowOf(created.body.cuid as string).waitFor({ timeout: 5_000 });
    await new Promise((r) => setTimeout(r, 2_500));
    expect(listings.filter((t) => t >= since)).toEqual([]);
    expect((await service.http().delete(`/containers/${created.body.cuid as string}`)).status).toBe(200);
  });

  it('does the rest of the API from the page: edit with recreate, logs pause and download, files, terminal, audit paging', async () => {
    // A running container whose boot.py keeps printing, with a folder to browse.
    const TICKING =
      'import time\nn = 0\nwhile True:\n    n += 1\n    print(f"tick-{n}", flush=True)\n    time.sleep(0.2)\n';
    const res = await service
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, tags: ['review'] });
    expect(res.status).toBe(201);
    const cuid = res.body.cuid as string;
    const zip = buildZip([
      { name: 'boot.py', data: TICKING },
      { name: 'data/config.json', data: '{"a":1}' },
    ]);
    const up = await service
      .http()
      .post(`/containers/${cuid}/upload-zip`)
      .set('Content-Type', 'application/zip')
      .send(zip);
    expect(up.status).toBe(200);
    expect((await service.http().post(`/containers/${cuid}/start`)).status).toBe(200);

    // Overview → Edit: a new variable and a port on the running container; the page says it was recreated.
    const hostPort = await freePort();
    await page.goto(`${service.baseUrl}/#/containers/${cuid}`);
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    const edit = page.getByRole('form', { name: 'Edit container' });
    await edit.getByRole('button', { name: 'Add variable' }).click();
    await edit.getByLabel('Variable 1 name').fill('GREETING');
    await edit.getByLabel('Variable 1 value').fill('hello there');
    await edit.getByRole('button', { name: 'Add mapping' }).click();
    await edit.getByLabel('Mapping 1 host').fill(String(hostPort));
    await edit.getByLabel('Mapping 1 container').fill('8000');
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved; the container was recreated to apply the change').waitFor({ timeout: 60_000 });
    const after = (await service.http().get(`/containers/${cuid}`)).body as Record<string, unknown>;
    expect((after.env as Record<string, string>).GREETING).toBe('hello there');
    expect(after.ports).toEqual([expect.objectContaining({ host: hostPort, container: 8000, protocol: 'tcp' })]);
    await page.getByRole('link', { name: `${hostPort}→8000` }).waitFor();

    // Logs: Pause view holds new lines without losing them, Resume shows them, Download saves the log.
    await page.getByRole('tab', { name: 'Logs' }).click();
    const logs = page.getByRole('log', { name: 'Logs output' });
    await logs
      .getByText(/^tick-\d+$/)
      .nth(3)
      .waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Pause view' }).click();
    const shown = await logs.locator('div').count();
    await page
      .getByRole('status')
      .filter({ hasText: /paused \(\d+ new lines held\)/ })
      .waitFor();
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await logs.locator('div').count()).toBe(shown);
    await page.getByRole('button', { name: 'Resume' }).click();
    await logs
      .locator('div')
      .nth(shown + 2)
      .waitFor();
    const [logFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download logs' }).click(),
    ]);
    expect(readFileSync(await logFile.path(), 'utf8')).toMatch(/tick-1\b/);

    // Files: download a file and a folder as zip; a refused upload shows the API's code; a dropped zip lands.
    await page.getByRole('tab', { name: 'Files' }).click();
    const files = page.getByRole('table', { name: 'Files' });
    await files.getByRole('cell', { name: 'boot.py', exact: true }).waitFor();
    const [bootFile] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download boot.py' }).click(),
    ]);
    expect(readFileSync(await bootFile.path(), 'utf8')).toBe(TICKING);
    const [dataZip] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('link', { name: 'Download data as zip' }).click(),
    ]);
    expect(
      readFileSync(await dataZip.path())
        .subarray(0, 2)
        .toString(),
    ).toBe('PK');
    await page.evaluate(() => {
      const g = globalThis as unknown as {
        sawProgress: boolean;
        MutationObserver: new (cb: () => void) => { observe(n: unknown, o: unknown): void };
        document: { body: unknown; querySelector(s: string): unknown };
      };
      g.sawProgress = false;
      new g.MutationObserver(() => {
        if (g.document.querySelector('progress[aria-label="Upload progress"]')) g.sawProgress = true;
      }).observe(g.document.body, { childList: true, subtree: true });
    });
    await page.getByLabel('Upload zip').setInputFiles({
      name: 'evil.zip',
      mimeType: 'application/zip',
      buffer: buildZip([{ name: '../escape.txt', data: 'x' }]),
    });
    const refused = page.getByRole('alert').filter({ hasText: 'Upload refused' });
    await refused.waitFor();
    expect(await refused.textContent()).toMatch(/ZIP_UNSAFE_ENTRY.*request_id [\w-]+/);
    expect(await page.evaluate(() => (globalThis as unknown as { sawProgress: boolean }).sawProgress)).toBe(true);
    const dropped = buildZip([{ name: 'dropped.txt', data: 'dropped' }]).toString('base64');
    const transfer = await page.evaluateHandle((b64: string) => {
      const g = globalThis as unknown as {
        DataTransfer: new () => { items: { add(f: unknown): void } };
        File: new (parts: unknown[], name: string, o: unknown) => unknown;
        atob(s: string): string;
      };
      const bytes = Uint8Array.from(g.atob(b64), (c) => c.charCodeAt(0));
      const dt = new g.DataTransfer();
      dt.items.add(new g.File([bytes], 'dropped.zip', { type: 'application/zip' }));
      return dt;
    }, dropped);
    await page.locator('.dropzone').dispatchEvent('drop', { dataTransfer: transfer });
    await files.getByRole('cell', { name: 'dropped.txt', exact: true }).waitFor();
    await refused.waitFor({ state: 'detached' });

    // Terminal: resize frames follow the panel; Reconnect opens a new session; a stop shows the message.
    const sockets: { frames: string[] }[] = [];
    page.on('websocket', (ws) => {
      const entry = { frames: [] as string[] };
      sockets.push(entry);
      ws.on('framesent', (f) => entry.frames.push(String(f.payload)));
    });
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await page.getByRole('status').filter({ hasText: 'shell open' }).waitFor();
    await page.setViewportSize({ width: 1000, height: 700 });
    await until(() => sockets[0]?.frames.some((f) => f.includes('"type":"resize"')) === true, 'a resize frame');
    await page.getByRole('button', { name: 'Reconnect' }).click();
    await until(() => sockets.length === 2, 'a second socket');
    await page.getByRole('status').filter({ hasText: 'shell open' }).waitFor();
    const screen = page.getByRole('region', { name: 'Terminal screen' });
    await screen.click();
    await page.keyboard.type('echo "$GREETING"\n');
    await screen.getByText('hello there').first().waitFor();
    expect((await service.http().post(`/containers/${cuid}/stop`)).status).toBe(200);
    await page.getByRole('status').filter({ hasText: 'The container is not running' }).waitFor({ timeout: 10_000 });

    // Audit: errors only, filtered by action, paged back past the first 100 entries.
    await inPool(
      Array.from({ length: 110 }, (_, i) => i),
      8,
      () => service.http().post('/containers/c00000000-0000-4000-8000-00000000dead/start'),
    );
    await page.getByRole('link', { name: 'Audit', exact: true }).click();
    await page.getByLabel('Action', { exact: true }).fill('container.start');
    await page.getByLabel('Errors only').check();
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const table = page.getByRole('table');
    const bodyRows = table.locator('tbody tr');
    // The filtered first page replaces the unfiltered one: 100 refusals, each with its code.
    const texts = () => bodyRows.evaluateAll((rows) => rows.map((r) => r.textContent ?? ''));
    await until(async () => {
      const shown = await texts();
      return (
        shown.length === 100 && shown.every((t) => t.includes('container.start') && t.includes('CONTAINER_NOT_FOUND'))
      );
    }, 'the filtered first page');
    await page.getByRole('button', { name: 'Older entries' }).click();
    await until(async () => (await bodyRows.count()) >= 110, 'the older audit rows');
    // Older pages hold this file's other refused starts too (BOOT_SCRIPT_MISSING): only failed starts.
    const all = await texts();
    expect(all.filter((t) => !t.includes('container.start'))).toEqual([]);
    expect(all.filter((t) => t.includes('CONTAINER_NOT_FOUND')).length).toBe(110);
    expect(await table.locator('tbody tr:not(.failed)').count()).toBe(0);
    expect((await service.http().delete(`/containers/${cuid}`)).status).toBe(200);
  }, 240_000);

  it('keeps 520 containers in a windowed table: the end is reachable, the DOM small, rows steady and live', async () => {
    // Real containers, created through the API in `created` state (no boot.py, nothing runs), 8 at a time.
    const COUNT = 520;
    const made: string[] = [];
    try {
      await inPool(
        Array.from({ length: COUNT }, (_, i) => i),
        8,
        async () => {
          const res = await service
            .http()
            .post('/containers')
            .send({ image: TEST_IMAGE, tags: ['bulk'] });
          expect(res.status).toBe(201);
          made.push(res.body.cuid as string);
        },
      );
      const listed: { cuid: string; created_at: string; tags: string[] }[] = [];
      for (let cursor: string | null = null, first = true; first || cursor; first = false) {
        const res = await service.http().get(`/containers?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
        listed.push(...(res.body.containers as typeof listed));
        cursor = res.body.next_cursor as string | null;
      }
      // The console's order: newest first, then by cuid.
      const order = listed
        .filter((c) => c.tags.includes('bulk'))
        .sort((a, b) => b.created_at.localeCompare(a.created_at) || a.cuid.localeCompare(b.cuid))
        .map((c) => c.cuid);
      expect(order).toHaveLength(COUNT);
      const [newest, oldest] = [order[0]!, order[COUNT - 1]!];

      await page.goto(`${service.baseUrl}/`);
      await page.getByRole('region', { name: 'Health' }).getByText('live', { exact: true }).waitFor();
      await page.getByLabel('Tag filter').fill('bulk');
      await page.getByText(`${COUNT} of ${listed.length}`).waitFor();
      const list = page.getByRole('region', { name: 'Containers list' });
      const drawn = () => list.getByRole('row').count();
      await rowOf(newest).waitFor();
      expect(await drawn()).toBeLessThan(80);
      expect(await list.getByRole('table').getAttribute('aria-rowcount')).toBe(String(COUNT + 1));

      // Scrolling to the end draws the last container, and still only a window of rows.
      await list.evaluate((el) => (el.scrollTop = el.scrollHeight));
      await rowOf(oldest).waitFor();
      await rowOf(newest).waitFor({ state: 'detached' });
      expect(await drawn()).toBeLessThan(80);
      expect(await rowOf(oldest).getAttribute('aria-rowindex')).toBe(String(COUNT + 1));
      const box = await rowOf(oldest).boundingBox();
      const frame = await list.boundingBox();
      expect(box!.y + box!.height).toBeLessThanOrEqual(frame!.y + frame!.height + 1);
      await page.screenshot({ path: '/tmp/console-520-end.png' });

      // Every drawn row is exactly as tall, whatever it holds.
      const heights = await list
        .locator('tbody tr:not([aria-hidden])')
        .evaluateAll((rows) => [...new Set(rows.map((r) => r.getBoundingClientRect().height))]);
      expect(heights).toEqual([40]);

      // A change made elsewhere reaches the row at the bottom, live, without moving it.
      const y = box!.y;
      const patched = await service
        .http()
        .patch(`/containers/${oldest}`)
        .send({ tags: ['bulk', 'edited-live'] });
      expect(patched.status).toBe(200);
      const started = Date.now();
      await rowOf(oldest).getByText('edited-live', { exact: true }).waitFor({ timeout: 5_000 });
      const latency = Date.now() - started;
      expect((await rowOf(oldest).boundingBox())!.y).toBe(y);
      expect(latency).toBeLessThan(2_000);

      // The filters still work on the whole list, not on the drawn window.
      await page.getByLabel('Tag filter').fill('edited-live');
      await page.getByText(`1 of ${listed.length}`).waitFor();
      await rowOf(oldest).waitFor();
      await page.getByLabel('Tag filter').fill('');
      await page.getByLabel('Search cuid').fill(order[COUNT - 2]!.slice(0, 12));
      await rowOf(order[COUNT - 2]!).waitFor();
      expect(await drawn()).toBeLessThan(10);
    } finally {
      await inPool(made, 8, (cuid) => service.http().delete(`/containers/${cuid}`));
    }
  }, 600_000);
});
