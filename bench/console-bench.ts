/**
 * Console benchmark (not a test): `npm run build && npx ts-node --transpile-only bench/console-bench.ts`.
 * Runs the built service and headless Chromium and prints, as a Markdown table (median of
 * BENCH_ROUNDS, default 7, each round measuring every figure once, in turn):
 *  - first load: navigation to the page showing the containers table and the engine's health
 *    (the service's own, nearly empty, listing): the anchor the other figures compare with;
 *  - N containers (BENCH_CONTAINERS, default 500): the same navigation until all N are counted and
 *    the first rows are drawn. The listing is the service's own plus N-1 synthetic containers added
 *    in the browser, so this measures the console, not N real creates (the lifecycle bench does);
 *  - scroll to the end of the windowed table: from setting the scroll position to the last row
 *    being drawn, timed in the page by animation frames. That row is the one real container (the synthetic ones are dated later);
 *  - a live change at the bottom: a PATCH of that container's tags, from sending it to the row
 *    showing the new tag (the service's `/events` event, the console's re-read, the render), with
 *    the PATCH's own answer time beside it;
 *  - the rows in the DOM at that size (windowing: a few dozen, whatever N is).
 */
import type { Page, Route } from 'playwright-core';
import { consoleContext, launchBrowser } from '../test/support/browser';
import { TEST_IMAGE } from '../test/support/e2e-app';
import { spawnService } from '../test/support/service-process';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const COUNT = Number(process.env.BENCH_CONTAINERS ?? 500);
const SYNTHETIC = COUNT - 1;
const STATUSES = ['created', 'running', 'paused', 'stopped'];

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function synthetic(n: number) {
  return Array.from({ length: n }, (_, i) => ({
    cuid: `c${i.toString(16).padStart(8, '0')}-0000-4000-8000-000000000000`,
    image: 'cm-test-python:bookworm',
    env: { CONTAINER_UID: 'x', TAGS: 'bench' },
    tags: ['bench', `group-${i % 10}`],
    resources: { memory: '256m' },
    ports: i % 5 === 0 ? [{ host: 20000 + i, container: 80, protocol: 'tcp' }] : [],
    command: null,
    status: STATUSES[i % STATUSES.length],
    created_at: new Date(Date.UTC(2030, 0, 1) + i * 1000).toISOString(),
    updated_at: new Date(Date.UTC(2030, 0, 1) + i * 1000).toISOString(),
    ttl_s: null,
    expires_at: null,
    idle_stop_s: null,
    idle_stop_at: null,
    disk_usage: { app_bytes: null, complete: false, measured_at: null },
  }));
}

async function timed(action: () => Promise<unknown>, ready: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await action();
  await ready();
  return performance.now() - start;
}

const row = (page: Page, cuid: string) => page.locator(`tr[data-cuid="${cuid}"]`);

async function main(): Promise<void> {
  const service = await spawnService();
  const browser = await launchBrowser();
  const containers = synthetic(SYNTHETIC);
  const real = await service
    .http()
    .post('/containers')
    .send({ image: TEST_IMAGE, tags: ['bench-real'] });
  if (real.status !== 201) throw new Error(`create failed: ${real.status} ${JSON.stringify(real.body)}`);
  const last = real.body.cuid as string;
  const figures = {
    firstLoad: [] as number[],
    big: [] as number[],
    scroll: [] as number[],
    live: [] as number[],
    patch: [] as number[],
  };
  let domRows = 0;
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const context = await consoleContext(browser);
      const page = await context.newPage();
      figures.firstLoad.push(
        await timed(
          () => page.goto(`${service.baseUrl}/`),
          () =>
            Promise.all([
              page.getByRole('heading', { name: 'Containers' }).waitFor(),
              page.getByText(/Engine OK/).waitFor(),
            ]),
        ),
      );
      await page.route(/\/containers\?limit=500/, async (route: Route) => {
        const own = (await (await route.fetch()).json()) as { containers: unknown[] };
        await route.fulfill({ json: { containers: [...own.containers, ...containers], next_cursor: null } });
      });
      figures.big.push(
        await timed(
          () => page.goto(`${service.baseUrl}/?round=${round}`),
          async () => {
            await page.getByText(`${COUNT} of ${COUNT}`).waitFor();
            await page.getByRole('row').nth(10).waitFor();
          },
        ),
      );
      await page.getByRole('region', { name: 'Health' }).getByText('live', { exact: true }).waitFor();
      const list = page.getByRole('region', { name: 'Containers list' });
      // Timed inside the page (no protocol round trips): scroll, then frames until the row is drawn.
      figures.scroll.push(
        await list.evaluate(async (el, cuid) => {
          const g = globalThis as unknown as {
            document: { querySelector(s: string): unknown };
            requestAnimationFrame(cb: () => void): void;
          };
          const start = performance.now();
          el.scrollTop = el.scrollHeight;
          while (!g.document.querySelector(`tr[data-cuid="${cuid}"]`)) {
            await new Promise<void>((r) => g.requestAnimationFrame(r));
          }
          return performance.now() - start;
        }, last),
      );
      domRows = await page.locator('table.containers tbody tr').count();
      const tag = `round-${round}`;
      let answered = 0;
      figures.live.push(
        await timed(
          () => {
            const sent = performance.now();
            void service
              .http()
              .patch(`/containers/${last}`)
              .send({ tags: ['bench-real', tag] })
              .then(() => (answered = performance.now() - sent));
            return Promise.resolve();
          },
          () => row(page, last).getByText(tag, { exact: true }).waitFor(),
        ),
      );
      while (!answered) await new Promise((r) => setTimeout(r, 5));
      figures.patch.push(answered);
      await context.close();
    }
    const cell = (xs: number[]): string =>
      `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;
    const lines = [
      `| measure (headless Chromium, median of ${ROUNDS} rounds, min–max) | result |`,
      '| --- | --- |',
      `| first load (page, script, styles, listing, /healthz) | ${cell(figures.firstLoad)} |`,
      `| load with ${COUNT} containers, all counted and the first rows drawn | ${cell(figures.big)} |`,
      `| scroll to the end of ${COUNT}: last row drawn | ${cell(figures.scroll)} |`,
      `| a change at the bottom of ${COUNT}: PATCH sent → row shows it (over /events) | ${cell(figures.live)} |`,
      `| the same PATCH's own answer (anchor) | ${cell(figures.patch)} |`,
      `| rows in the DOM at ${COUNT} | ${domRows} (of ${COUNT}) |`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    await service.http().delete(`/containers/${last}`);
    await browser.close();
    service.child.kill('SIGTERM');
    await service.exited;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
