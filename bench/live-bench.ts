/**
 * Live endpoints benchmark (prints figures; not a test).
 *   npx ts-node --transpile-only bench/live-bench.ts [--kills 30] [--containers 50] [--audit-lines 1000000]
 * Needs a build (`npm run build`): the service is started from dist/ as its own process.
 * 1. Event latency: `docker kill` of a running managed container → its `died` event at an SSE client.
 * 2. /metrics scrape time with N created containers (p50/p99 of 200 scrapes).
 * 3. /audit first page (limit 100) with M lines in the live file, unfiltered and with a filter.
 */
import { execFile } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PASS, removeProjects, TEST_IMAGE, USER } from '../test/support/e2e-app';
import { spawnService } from '../test/support/service-process';
import { openSse } from '../test/support/sse-client';

const run = promisify(execFile);
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const KILLS = arg('kills', 30);
const CONTAINERS = arg('containers', 50);
const AUDIT_LINES = arg('audit-lines', 1_000_000);
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));
const ms = (n: number): string => `${n.toFixed(1)} ms`;

async function main(): Promise<void> {
  const service = await spawnService({ COMPOSE_TIMEOUT_MS: '300000' });
  const authHeader = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
  let agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const url = new URL(service.baseUrl);
  const call = (method: string, p: string, body?: unknown): Promise<{ status: number; text: string }> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: p,
          method,
          agent,
          headers: { Authorization: authHeader, ...(data ? { 'Content-Type': 'application/json' } : {}) },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
  const create = async (): Promise<string> => {
    const res = await call('POST', '/containers', { image: TEST_IMAGE });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
    return (JSON.parse(res.text) as { cuid: string }).cuid;
  };
  try {
    // 1. event latency
    const cuid = await create();
    const boot = path.join(service.projectsDir, cuid, 'app', 'boot.py');
    writeFileSync(boot, 'import time\ntime.sleep(100000)\n');
    chownSync(boot, 1000, 1000);
    const sse = await openSse(service.baseUrl, `/events?cuid=${cuid}&type=died`, authHeader);
    const latencies: number[] = [];
    const withCli: number[] = [];
    for (let i = 0; i < KILLS; i += 1) {
      const start = await call('POST', `/containers/${cuid}/start`);
      if (start.status !== 200) throw new Error(`start: ${start.status} ${start.text}`);
      const seen = sse.events.length;
      const started = performance.now();
      await run('docker', ['kill', `${cuid}-app-1`]);
      const died = await sse.waitFor((e) => sse.events.indexOf(e) >= seen);
      // The engine stamps the event (ms precision, same host clock); this is its way to the client.
      latencies.push(Date.now() - Date.parse(String(died.json.time)));
      withCli.push(performance.now() - started);
      // The state cache re-inspects a moment after the event; start only once it says stopped.
      while (!(await call('GET', `/containers/${cuid}/status`)).text.includes('"stopped"')) await sleep(20);
    }
    sse.close();
    console.log(
      `event latency (engine's died event → SSE client), ${KILLS} kills: p50 ${ms(pct(latencies, 0.5))}, p99 ${ms(pct(latencies, 0.99))}`,
    );
    console.log(
      `  from starting \`docker kill\` (CLI included): p50 ${ms(pct(withCli, 0.5))}, p99 ${ms(pct(withCli, 0.99))}`,
    );

    // 2. /metrics with N containers
    for (let made = 1; made < CONTAINERS; made += 8) {
      await Promise.all(Array.from({ length: Math.min(8, CONTAINERS - made) }, () => create()));
    }
    const scrapes: number[] = [];
    for (let i = 0; i < 200; i += 1) {
      const started = performance.now();
      const res = await call('GET', '/metrics');
      if (res.status !== 200) throw new Error(`metrics: ${res.status}`);
      scrapes.push(performance.now() - started);
    }
    console.log(
      `/metrics with ${CONTAINERS} containers, 200 scrapes: p50 ${ms(pct(scrapes, 0.5))}, p99 ${ms(pct(scrapes, 0.99))}`,
    );

    // 3. /audit first page over a large live file
    const file = path.join(service.logDir, 'actions.jsonl');
    const line = (i: number): string =>
      JSON.stringify({
        timestamp: new Date(Date.UTC(2025, 0, 1) + i * 1000).toISOString(),
        request_id: `r${i}`,
        user: i % 2 ? 'alice' : 'bob',
        remote: '127.0.0.1',
        method: 'POST',
        path: '/containers/x/start',
        action: 'container.start',
        cuid: null,
        status: i % 100 === 0 ? 500 : 200,
        duration_ms: 12,
        compose: [],
      }) + '\n';
    const parts: string[] = [];
    for (let i = 0; i < AUDIT_LINES; i += 1) parts.push(line(i));
    writeFileSync(file, parts.join(''));
    // Writing took longer than the server's keep-alive: start with fresh connections.
    agent.destroy();
    agent = new Agent({ keepAlive: true, maxSockets: 16 });
    for (const q of ['limit=100', 'limit=100&status=5xx', 'limit=100&user=alice&error=false']) {
      const times: number[] = [];
      for (let i = 0; i < 50; i += 1) {
        const started = performance.now();
        const res = await call('GET', `/audit?${q}`);
        if (res.status !== 200) throw new Error(`audit: ${res.status} ${res.text}`);
        times.push(performance.now() - started);
      }
      console.log(
        `/audit?${q} first page, ${AUDIT_LINES} lines: p50 ${ms(pct(times, 0.5))}, p99 ${ms(pct(times, 0.99))}`,
      );
    }
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await removeProjects(service.projectsDir);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
