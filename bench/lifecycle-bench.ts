/**
 * Lifecycle and listing benchmark (prints figures; not a test).
 *   npx ts-node bench/lifecycle-bench.ts [--containers 500] [--rounds 5]
 * Needs a build (`npm run build`): the service is started from dist/.
 * 1. create+start+stop+delete through the API vs the same raw `docker compose` commands (median of rounds).
 * 2. With N containers in `created` state: GET /containers p50/p99 and requests/s at concurrency 16,
 *    beside one `docker compose ls -a`.
 */
import { execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { PASS, TEST_IMAGE, USER } from '../test/support/e2e-app';
import { removeProjects } from '../test/support/e2e-app';
import { spawnService } from '../test/support/service-process';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const CONTAINERS = arg('containers', 500);
const ROUNDS = arg('rounds', 5);
const BOOT = 'import time\ntime.sleep(100000)\n';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

async function main(): Promise<void> {
  // The service runs as its own process (built dist/), so the load generator does not share its event loop.
  const service = await spawnService({ COMPOSE_TIMEOUT_MS: '300000' });
  const t = {
    baseUrl: service.baseUrl,
    projectsDir: service.projectsDir,
    authHeader: `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`,
  };
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const url = new URL(t.baseUrl);
  const call = (method: string, p: string, body?: unknown): Promise<{ status: number; body: Record<string, any> }> =>
    new Promise((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = request(
        {
          host: url.hostname,
          port: url.port,
          path: p,
          method,
          agent,
          headers: { Authorization: t.authHeader, ...(data ? { 'Content-Type': 'application/json' } : {}) },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });

  try {
    // 1. lifecycle: API vs raw compose
    const api: number[] = [];
    const raw: number[] = [];
    const rawRoot = mkdtempSync(path.join(tmpdir(), 'cm-raw-'));
    for (let i = 0; i < ROUNDS; i += 1) {
      let t0 = performance.now();
      const created = await call('POST', '/containers', { image: TEST_IMAGE });
      const cuid = created.body.cuid as string;
      const boot = path.join(t.projectsDir, cuid, 'app', 'boot.py');
      writeFileSync(boot, BOOT);
      chownSync(boot, 1000, 1000);
      await call('POST', `/containers/${cuid}/start`);
      await call('POST', `/containers/${cuid}/stop`);
      await call('DELETE', `/containers/${cuid}`);
      api.push(performance.now() - t0);

      const name = `rawbench${i}${Date.now()}`;
      const dir = path.join(rawRoot, name);
      mkdirSync(path.join(dir, 'app'), { recursive: true });
      writeFileSync(path.join(dir, 'app', 'boot.py'), BOOT);
      // Copy the service's own compose file so both sides run the same container definition.
      writeFileSync(
        path.join(dir, 'compose.yaml'),
        execFileSync('cat', [
          path.join(
            t.projectsDir,
            (await call('POST', '/containers', { image: TEST_IMAGE })).body.cuid,
            'compose.yaml',
          ),
        ])
          .toString()
          .replace(/source: "[^"]+"/, `source: "${path.join(dir, 'app')}"`),
      );
      const compose = (...args: string[]): void => {
        execFileSync(
          'docker',
          ['compose', '-p', name, '-f', path.join(dir, 'compose.yaml'), '--project-directory', dir, ...args],
          {
            stdio: 'ignore',
          },
        );
      };
      t0 = performance.now();
      compose('create');
      compose('up', '-d');
      compose('stop', '-t', '10');
      compose('down', '--remove-orphans', '--volumes', '-t', '10');
      raw.push(performance.now() - t0);
    }
    rmSync(rawRoot, { recursive: true, force: true });
    console.log(`lifecycle create+start+stop+delete, median of ${ROUNDS}:`);
    console.log(
      `  API ${median(api).toFixed(0)} ms   raw compose ${median(raw).toFixed(0)} ms   ratio ${(median(api) / median(raw)).toFixed(2)}x (target <= 1.15x)`,
    );

    // 2. many containers, listing from the state cache
    const existing = (await call('GET', '/containers?limit=500')).body.containers.length as number;
    const t0 = performance.now();
    let next = existing;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < CONTAINERS) {
          next += 1;
          const r = await call('POST', '/containers', { image: TEST_IMAGE });
          if (r.status !== 201) throw new Error(`create failed: ${JSON.stringify(r.body)}`);
        }
      }),
    );
    const createS = (performance.now() - t0) / 1000;
    console.log(
      `created ${CONTAINERS - existing} containers in ${createS.toFixed(1)} s (${((CONTAINERS - existing) / createS).toFixed(1)}/s, concurrency 8)`,
    );

    const latencies: number[] = [];
    const REQUESTS = 2000;
    let sent = 0;
    const l0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (sent < REQUESTS) {
          sent += 1;
          const s = performance.now();
          const r = await call('GET', '/containers');
          if (r.status !== 200) throw new Error(`list failed: ${r.status}`);
          latencies.push(performance.now() - s);
        }
      }),
    );
    const wall = (performance.now() - l0) / 1000;
    const ls0 = performance.now();
    execFileSync('docker', ['compose', 'ls', '-a'], { stdio: 'ignore' });
    const lsMs = performance.now() - ls0;
    console.log(`GET /containers with ${CONTAINERS} containers, concurrency 16, ${REQUESTS} requests:`);
    console.log(
      `  p50 ${pct(latencies, 0.5).toFixed(2)} ms   p99 ${pct(latencies, 0.99).toFixed(2)} ms   ${(REQUESTS / wall).toFixed(0)} req/s (target p50 <= 10 ms)`,
    );
    console.log(`  one \`docker compose ls -a\`: ${lsMs.toFixed(0)} ms`);
  } finally {
    const all = (await call('GET', '/containers?limit=500')).body.containers as { cuid: string }[];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < all.length; i += 8) await call('DELETE', `/containers/${all[i]!.cuid}`);
      }),
    );
    agent.destroy();
    service.child.kill('SIGTERM');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
