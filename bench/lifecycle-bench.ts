/**
 * Lifecycle and listing benchmark (prints figures; not a test).
 *   npx ts-node --transpile-only bench/lifecycle-bench.ts [--rounds 7] [--containers 500] [--seconds 10]
 *     [--listing-rounds 3] [--only lifecycle|listing] [--cpu-prof DIR]
 * Needs a build (`npm run build`; the service runs from dist/ in its own process) and wrk
 * (`bash scripts/provision-docker.sh bench`).
 * 1. create+start+stop+delete through the API beside the same raw `docker compose` calls on the same
 *    compose file, alternating which side goes first in each round; medians per step and in total.
 * 2. With N containers (in `created` state): GET /containers (first page, 50) under wrk at
 *    concurrency 16 for --seconds per round, beside one `docker compose ls -a` in the same round.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { PASS, TEST_IMAGE, USER } from '../test/support/e2e-app';
import { removeProjects } from '../test/support/e2e-app';
import { spawnService } from '../test/support/service-process';
import { parseWrk, WrkResult } from './wrk';

const run = promisify(execFile);
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const only = ((): string | null => {
  const i = process.argv.indexOf('--only');
  return i > 0 ? (process.argv[i + 1] ?? null) : null;
})();
const ROUNDS = arg('rounds', 7);
const CONTAINERS = arg('containers', 500);
const SECONDS = arg('seconds', 10);
const LISTING_ROUNDS = arg('listing-rounds', 3);
const BOOT = 'import time\ntime.sleep(100000)\n';
const STEPS = ['create', 'start', 'stop', 'delete'] as const;

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};
const ms = (x: number): string => `${x.toFixed(0)} ms`;

type Call = (method: string, p: string, body?: unknown) => Promise<{ status: number; body: any }>;

function client(baseUrl: string, authHeader: string, agent: Agent): Call {
  const url = new URL(baseUrl);
  return (method, p, body) =>
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
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
        },
      );
      req.on('error', reject);
      req.end(data);
    });
}

async function expectOk(what: string, p: Promise<{ status: number; body: any }>): Promise<any> {
  const r = await p;
  if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** One API round: the four calls, each timed (boot.py is put in place as an upload would, untimed). */
async function apiRound(call: Call, projectsDir: string): Promise<number[]> {
  let cuid = '';
  const create = await timed(async () => {
    cuid = (await expectOk('create', call('POST', '/containers', { image: TEST_IMAGE }))).cuid;
  });
  const boot = path.join(projectsDir, cuid, 'app', 'boot.py');
  writeFileSync(boot, BOOT);
  chownSync(boot, 1000, 1000);
  const start = await timed(() => expectOk('start', call('POST', `/containers/${cuid}/start`)));
  const stop = await timed(() => expectOk('stop', call('POST', `/containers/${cuid}/stop`)));
  const del = await timed(() => expectOk('delete', call('DELETE', `/containers/${cuid}`)));
  return [create, start, stop, del];
}

/** The same four steps as raw compose calls, on a copy of the service's own compose file. */
async function rawRound(composeText: string, root: string, i: number): Promise<number[]> {
  const name = `cmrawbench${process.pid}x${i}`;
  const dir = path.join(root, name);
  mkdirSync(path.join(dir, 'app'), { recursive: true });
  writeFileSync(path.join(dir, 'app', 'boot.py'), BOOT);
  chownSync(path.join(dir, 'app', 'boot.py'), 1000, 1000);
  writeFileSync(
    path.join(dir, 'compose.yaml'),
    composeText.replace(/source: "[^"]+"/, `source: "${path.join(dir, 'app')}"`),
  );
  const compose =
    (...args: string[]) =>
    () =>
      run('docker', ['compose', '-p', name, '-f', path.join(dir, 'compose.yaml'), '--project-directory', dir, ...args]);
  return [
    await timed(compose('create', '--no-build', '--pull', 'never')),
    await timed(compose('up', '-d', '--no-build', '--pull', 'never', '--remove-orphans')),
    await timed(compose('stop', '-t', '10')),
    await timed(compose('down', '--remove-orphans', '--volumes', '-t', '10')),
  ];
}

/**
 * The service's own time per operation, from its audit log: each request's duration minus the CLI
 * calls it made. On a shared machine this moves far less than the wall-clock ratio does.
 */
function ownTimes(logDir: string): string {
  const lines = readFileSync(path.join(logDir, 'actions.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { action: string | null; duration_ms: number; compose: { duration_ms: number }[] });
  return STEPS.map((step) => {
    const own = lines
      .filter((l) => l.action === `container.${step}`)
      .map((l) => l.duration_ms - l.compose.reduce((sum, c) => sum + c.duration_ms, 0));
    return `${step} ${median(own).toFixed(0)} ms (${own.length} calls)`;
  }).join(', ');
}

async function lifecycle(call: Call, projectsDir: string, logDir: string): Promise<void> {
  // The raw side runs the very compose file the service writes (one created only to copy it).
  const template = (await expectOk('create', call('POST', '/containers', { image: TEST_IMAGE }))).cuid as string;
  const composeText = readFileSync(path.join(projectsDir, template, 'compose.yaml'), 'utf8');
  await expectOk('delete', call('DELETE', `/containers/${template}`));
  const rawRoot = mkdtempSync(path.join(tmpdir(), 'cm-raw-'));
  const api: number[][] = [];
  const raw: number[][] = [];
  try {
    for (let i = 0; i < ROUNDS; i += 1) {
      // Alternate which side goes first, so a machine that speeds up or slows down favours neither.
      if (i % 2 === 0) {
        api.push(await apiRound(call, projectsDir));
        raw.push(await rawRound(composeText, rawRoot, i));
      } else {
        raw.push(await rawRound(composeText, rawRoot, i));
        api.push(await apiRound(call, projectsDir));
      }
    }
  } finally {
    rmSync(rawRoot, { recursive: true, force: true });
  }
  const total = (rows: number[][]): number[] => rows.map((r) => r.reduce((a, b) => a + b, 0));
  console.log(`\nlifecycle, median of ${ROUNDS} alternating rounds:`);
  console.log('| step | API | raw `docker compose` | ratio |');
  console.log('| --- | --- | --- | --- |');
  STEPS.forEach((step, s) => {
    const a = median(api.map((r) => r[s]!));
    const b = median(raw.map((r) => r[s]!));
    console.log(`| ${step} | ${ms(a)} | ${ms(b)} | ${(a / b).toFixed(2)}× |`);
  });
  const a = median(total(api));
  const b = median(total(raw));
  console.log(`| create+start+stop+delete | ${ms(a)} | ${ms(b)} | **${(a / b).toFixed(2)}×** (target ≤ 1.08×) |`);
  const ratios = total(api).map((t, i) => t / total(raw)[i]!);
  console.log(`per-round ratios: ${ratios.map((r) => r.toFixed(2)).join(' ')}`);
  // The audit writer batches: give it a moment to put the last lines down.
  await new Promise((r) => setTimeout(r, 500));
  console.log(`service's own time beyond its CLI calls (median, from the audit log): ${ownTimes(logDir)}`);
}

/**
 * User and system CPU used, in ms (from /proc: load-independent, unlike latency): the whole process,
 * and its main thread alone (the event loop, which bounds the rate; GC and the threadpool run beside it).
 */
function cpuMs(pid: number): { user: number; sys: number; main: number } {
  const ticks = (file: string): [number, number] => {
    const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
    return [Number(fields[11]), Number(fields[12])];
  };
  const [user, sys] = ticks(`/proc/${pid}/stat`);
  const [mainUser, mainSys] = ticks(`/proc/${pid}/task/${pid}/stat`);
  return { user: (user * 1000) / 100, sys: (sys * 1000) / 100, main: ((mainUser + mainSys) * 1000) / 100 };
}

/** Waits (at most 60 s) until the process used under 5% of a core over one second; returns the ms waited. */
async function settle(pid: number): Promise<number> {
  const t0 = performance.now();
  while (performance.now() - t0 < 60_000) {
    const before = cpuMs(pid);
    await new Promise((r) => setTimeout(r, 1000));
    const after = cpuMs(pid);
    if (after.user + after.sys - before.user - before.sys < 50) break;
  }
  return performance.now() - t0;
}

async function listing(call: Call, baseUrl: string, authHeader: string, pid: number): Promise<void> {
  const existing = (await expectOk('list', call('GET', '/containers?limit=500'))).containers.length as number;
  let next = existing;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < CONTAINERS) {
        next += 1;
        await expectOk('create', call('POST', '/containers', { image: TEST_IMAGE }));
      }
    }),
  );
  const createS = (performance.now() - t0) / 1000;
  console.log(
    `\ncreated ${CONTAINERS - existing} containers in ${createS.toFixed(1)} s (${((CONTAINERS - existing) / createS).toFixed(1)}/s, concurrency 8)`,
  );
  // After 500 creates the service is still measuring their /app trees and the engine is settling:
  // rounds taken meanwhile measure that work, not the listing.
  console.log(`settled after ${((await settle(pid)) / 1000).toFixed(1)} s (service under 5% of a core for 1 s)`);
  // Not counted: the first seconds under load are the JIT compiling the route.
  await run('wrk', ['-t2', '-c16', '-d2s', '-H', `Authorization: ${authHeader}`, `${baseUrl}/containers`]);
  const rows: (WrkResult & { lsMs: number; cpuUs: number; sysUs: number; mainUs: number })[] = [];
  for (let i = 0; i < LISTING_ROUNDS; i += 1) {
    const lsMs = await timed(() => run('docker', ['compose', 'ls', '-a']));
    const cpu0 = cpuMs(pid);
    const { stdout } = await run('wrk', [
      '-t2',
      '-c16',
      `-d${SECONDS}s`,
      '--latency',
      '-H',
      `Authorization: ${authHeader}`,
      `${baseUrl}/containers`,
    ]);
    const r = parseWrk(stdout);
    const cpu1 = cpuMs(pid);
    const cpuUs = ((cpu1.user + cpu1.sys - cpu0.user - cpu0.sys) * 1000) / r.requests;
    const sysUs = ((cpu1.sys - cpu0.sys) * 1000) / r.requests;
    const mainUs = ((cpu1.main - cpu0.main) * 1000) / r.requests;
    if (r.errors) console.log(`  round ${i + 1}: ${r.errors}`);
    rows.push({ ...r, lsMs, cpuUs, sysUs, mainUs });
  }
  const p50 = median(rows.map((r) => r.p50));
  const ls = median(rows.map((r) => r.lsMs));
  console.log(
    `\nGET /containers (first page of 50) with ${CONTAINERS} containers, wrk -t2 -c16, ${SECONDS} s × ${LISTING_ROUNDS} rounds (medians):`,
  );
  console.log('| measure | service | anchor: one `docker compose ls -a` | target |');
  console.log('| --- | --- | --- | --- |');
  console.log(`| p50 | **${p50.toFixed(2)} ms** | ${ms(ls)} (${(ls / p50).toFixed(0)}× the p50) | ≤ 3 ms, ≥ 30× |`);
  console.log(`| p99 | ${median(rows.map((r) => r.p99)).toFixed(2)} ms | | |`);
  console.log(`| requests/s | **${median(rows.map((r) => r.rps)).toFixed(0)}** | | ≥ 5,000 |`);
  console.log(
    `| service CPU per request (user+sys) | ${median(rows.map((r) => r.cpuUs)).toFixed(0)} µs (of it system ${median(rows.map((r) => r.sysUs)).toFixed(0)} µs) | | — |`,
  );
  console.log(
    `| of it on the main thread (the event loop) | ${median(rows.map((r) => r.mainUs)).toFixed(0)} µs | | ≤ 200 µs (5,000/s on one core) |`,
  );
  console.log(
    `per round: ${rows.map((r) => `p50 ${r.p50.toFixed(2)} ms, ${r.rps.toFixed(0)} req/s, ls ${ms(r.lsMs)}`).join(' | ')}`,
  );
}

async function main(): Promise<void> {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
  } catch (err) {
    // wrk prints its version and exits 1; only a missing binary is an error.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('wrk is missing: bash scripts/provision-docker.sh bench');
    }
  }
  // --cpu-prof DIR: the service writes a V8 CPU profile there when it exits.
  const profileAt = process.argv.indexOf('--cpu-prof');
  const nodeArgs =
    profileAt > 0 ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.argv[profileAt + 1] ?? '.')}`] : [];
  const service = await spawnService({ COMPOSE_TIMEOUT_MS: '300000' }, undefined, { nodeArgs });
  const authHeader = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
  const agent = new Agent({ keepAlive: true, maxSockets: 32 });
  const call = client(service.baseUrl, authHeader, agent);
  console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
  try {
    if (only !== 'listing') await lifecycle(call, service.projectsDir, service.logDir);
    if (only !== 'lifecycle') await listing(call, service.baseUrl, authHeader, service.child.pid!);
  } finally {
    console.log(`load average at end: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
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
