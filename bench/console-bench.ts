/**
 * Console benchmark (not a test): `npm run build && npx ts-node --transpile-only bench/console-bench.ts`.
 * Runs the built service and headless Chromium and prints (median of BENCH_ROUNDS, default 7):
 *  - first load: navigation to the page showing the containers table and the engine's health;
 *  - 500 containers (BENCH_CONTAINERS): navigation to the table showing all of them counted and its
 *    first page of rows drawn. The listing is answered
 *    in the browser with synthetic containers, so this measures the console, not 500 real creates
 *    (the lifecycle bench measures those);
 *  - a page (100 rows) switch at that size.
 */
import type { Page, Route } from 'playwright-core';
import { consoleContext, launchBrowser } from '../test/support/browser';
import { spawnService } from '../test/support/service-process';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const COUNT = Number(process.env.BENCH_CONTAINERS ?? 500);
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
    created_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(),
  }));
}

async function timed(page: Page, url: string, ready: () => Promise<unknown>): Promise<number> {
  const start = Date.now();
  await page.goto(url);
  await ready();
  return Date.now() - start;
}

async function main(): Promise<void> {
  const service = await spawnService();
  const browser = await launchBrowser();
  try {
    const firstLoad: number[] = [];
    const big: number[] = [];
    const pageSwitch: number[] = [];
    const containers = synthetic(COUNT);
    for (let round = 0; round < ROUNDS; round += 1) {
      const context = await consoleContext(browser);
      const page = await context.newPage();
      firstLoad.push(
        await timed(page, `${service.baseUrl}/`, () =>
          Promise.all([
            page.getByRole('heading', { name: 'Containers' }).waitFor(),
            page.getByText(/Engine OK/).waitFor(),
          ]),
        ),
      );
      await page.route(/\/containers\?limit=500/, (route: Route) =>
        route.fulfill({ json: { containers, next_cursor: null } }),
      );
      big.push(
        await timed(page, `${service.baseUrl}/?round=${round}`, async () => {
          await page.getByText(`${COUNT} of ${COUNT}`).waitFor();
          await page.getByRole('row').nth(100).waitFor();
        }),
      );
      const start = Date.now();
      await page.getByRole('button', { name: 'Next page' }).click();
      await page.getByText('Page 2 of').waitFor();
      pageSwitch.push(Date.now() - start);
      await context.close();
    }
    const line = (name: string, xs: number[]): string =>
      `${name}: median ${median(xs)} ms (min ${Math.min(...xs)}, max ${Math.max(...xs)}, ${xs.length} rounds)`;
    process.stdout.write(`${line('first load', firstLoad)}\n`);
    process.stdout.write(`${line(`load with ${COUNT} containers`, big)}\n`);
    process.stdout.write(`${line('page switch', pageSwitch)}\n`);
  } finally {
    await browser.close();
    service.child.kill('SIGTERM');
    await service.exited;
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
