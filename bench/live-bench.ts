/**
 * Live endpoints benchmark (prints figures; not a test).
 *   npx ts-node --transpile-only bench/live-bench.ts [--kills 30] [--containers 50] [--audit-lines 1000000]
 *     [--sse-clients 100] [--running 50] [--window 20] [--only events,metrics,audit,sse,stats]
 * Needs a build (`npm run build`): the service is started from dist/ as its own process.
 * 1. events: `docker kill` of a running managed container → its `died` event at an SSE client.
 * 2. metrics: /metrics scrape time with N created containers (p50/p99 of 200 scrapes).
 * 3. audit: /audit first page (limit 100) with M lines in the live file, unfiltered and with a filter.
 * 4. sse: service CPU and RSS over a window with K `/events` clients against 1, while one container
 *    is started and stopped in a loop so that events flow to every client.
 * 5. stats: service CPU over a window with R running containers and one `/stats?stream=true` client,
 *    against no client (the collector runs only while someone listens).
 * CPU and memory are read from /proc (the service's own process; its children and dockerd apart).
 */
import { execFile } from 'node:child_process';
import { chownSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
const SSE_CLIENTS = arg('sse-clients', 100);
const RUNNING = arg('running', 50);
const WINDOW_MS = arg('window', 20) * 1000;
const onlyAt = process.argv.indexOf('--only');
const SECTIONS = new Set(
  ((onlyAt > 0 ? process.argv[onlyAt + 1] : undefined) ?? 'events,metrics,audit,sse,stats')
    .split(',')
    .map((x) => x.trim()),
);
const TICKS_PER_S = 100; // USER_HZ: what /proc/<pid>/stat counts CPU time in on Linux
const SLEEPING_BOOT = 'import time\ntime.sleep(100000)\n';
const pct = (xs: number[], p: number): number =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;
const sleep = (n: number): Promise<void> => new Promise((r) => setTimeout(r, n));
const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** utime+stime of one process, and with its reaped children (cutime+cstime), in clock ticks. */
function cpuTicks(pid: number): { own: number; reaped: number } {
  // The command name (field 2) may hold spaces: count fields from the closing parenthesis.
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) };
}
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}
function descendants(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[] = [];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    let kids = '';
    try {
      kids = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8');
    } catch {
      continue;
    }
    for (const k of kids.split(' ').filter((x) => x !== '')) out.push(Number(k), ...descendants(Number(k)));
  }
  return out;
}
interface CpuSample {
  at: number;
  own: number;
  /** own + reaped children + the CPU so far of children still running (docker/compose CLIs). */
  tree: number;
  dockerd: number;
}
function sampleCpu(pid: number, dockerdPid: number | null): CpuSample {
  const self = cpuTicks(pid);
  let live = 0;
  for (const d of descendants(pid)) {
    try {
      const c = cpuTicks(d);
      live += c.own + c.reaped;
    } catch {
      // ended between listing and reading: its time is in the parent's reaped figure once waited for
    }
  }
  return {
    at: performance.now(),
    own: self.own,
    tree: self.own + self.reaped + live,
    dockerd: dockerdPid === null ? NaN : cpuTicks(dockerdPid).own,
  };
}
/** CPU % of one core between two samples. */
const cpuPct = (a: CpuSample, b: CpuSample, key: 'own' | 'tree' | 'dockerd'): string =>
  `${((((b[key] - a[key]) / TICKS_PER_S) * 1000 * 100) / (b.at - a.at)).toFixed(1)}%`;
async function dockerdPid(): Promise<number | null> {
  try {
    const { stdout } = await run('pgrep', ['-x', 'dockerd']);
    const pid = Number(stdout.split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

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
  const made: string[] = [];
  const create = async (): Promise<string> => {
    const res = await call('POST', '/containers', { image: TEST_IMAGE });
    if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
    const cuid = (JSON.parse(res.text) as { cuid: string }).cuid;
    made.push(cuid);
    return cuid;
  };
  const sleepingBoot = (cuid: string): void => {
    const boot = path.join(service.projectsDir, cuid, 'app', 'boot.py');
    writeFileSync(boot, SLEEPING_BOOT);
    chownSync(boot, 1000, 1000);
  };
  const act = async (cuid: string, action: string): Promise<void> => {
    const res = await call('POST', `/containers/${cuid}/${action}`);
    if (res.status !== 200) throw new Error(`${action}: ${res.status} ${res.text}`);
  };
  /** Creates containers 8 at a time until there are `total`; returns the new ones. */
  const createUpTo = async (total: number): Promise<string[]> => {
    const before = made.length;
    while (made.length < total) {
      await Promise.all(Array.from({ length: Math.min(8, total - made.length) }, () => create()));
    }
    return made.slice(before);
  };
  const pid: number = service.child.pid ?? NaN;
  const dockerd = await dockerdPid();
  try {
    if (SECTIONS.has('events')) await eventLatency();
    if (SECTIONS.has('metrics')) await metrics();
    if (SECTIONS.has('sse')) await sseClients();
    if (SECTIONS.has('stats')) await statsCollector();
    if (SECTIONS.has('audit')) await audit();
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await removeProjects(service.projectsDir);
  }

  async function eventLatency(): Promise<void> {
    const cuid = await create();
    sleepingBoot(cuid);
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
  }

  async function metrics(): Promise<void> {
    const t0 = performance.now();
    const fresh = await createUpTo(CONTAINERS);
    console.log(
      `created ${fresh.length} containers (concurrency 8) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
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
  }

  async function audit(): Promise<void> {
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
  }

  async function sseClients(): Promise<void> {
    const cuid = await create();
    sleepingBoot(cuid);
    const side = async (clients: number): Promise<void> => {
      const streams = await Promise.all(
        Array.from({ length: clients }, () => openSse(service.baseUrl, '/events', authHeader)),
      );
      await sleep(2000);
      const rssBefore = rssKb(pid);
      const a = sampleCpu(pid, dockerd);
      let cycles = 0;
      let peakRss = rssBefore;
      const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssKb(pid))), 250);
      while (performance.now() - a.at < WINDOW_MS - 3000) {
        await act(cuid, 'start');
        await sleep(1000);
        await act(cuid, 'stop');
        cycles += 1;
        await sleep(1000);
      }
      const left = WINDOW_MS - (performance.now() - a.at);
      if (left > 0) await sleep(left);
      const b = sampleCpu(pid, dockerd);
      clearInterval(sampler);
      const rssAfter = rssKb(pid);
      const received = streams.map((s) => s.events.length);
      for (const s of streams) s.close();
      console.log(
        `/events, ${clients} client(s), ${((b.at - a.at) / 1000).toFixed(1)} s, ${cycles} start/stop cycles: ` +
          `service CPU ${cpuPct(a, b, 'own')} of one core (with its CLI children ${cpuPct(a, b, 'tree')}), ` +
          `RSS ${(rssBefore / 1024).toFixed(1)} → ${(rssAfter / 1024).toFixed(1)} MB (peak ${(peakRss / 1024).toFixed(1)} MB), ` +
          `events per client ${Math.min(...received)}–${Math.max(...received)}`,
      );
      await sleep(1000);
    };
    await side(1);
    await side(SSE_CLIENTS);
  }

  async function statsCollector(): Promise<void> {
    await createUpTo(RUNNING);
    const running = made.slice(0, RUNNING);
    for (let i = 0; i < running.length; i += 8) {
      const batch = running.slice(i, i + 8);
      for (const c of batch) sleepingBoot(c);
      await Promise.all(batch.map((c) => act(c, 'start')));
    }
    // Let the starts' own work and the state cache settle before measuring.
    await sleep(5000);
    const window = async (label: string): Promise<void> => {
      const a = sampleCpu(pid, dockerd);
      await sleep(WINDOW_MS);
      const b = sampleCpu(pid, dockerd);
      console.log(
        `${running.length} running containers, ${label}, ${((b.at - a.at) / 1000).toFixed(1)} s: ` +
          `service CPU ${cpuPct(a, b, 'own')} of one core, with its children (\`docker stats\`) ${cpuPct(a, b, 'tree')}, ` +
          `dockerd ${cpuPct(a, b, 'dockerd')}; RSS ${(rssKb(pid) / 1024).toFixed(1)} MB`,
      );
    };
    await window('no stats client');
    const stream = await openSse(service.baseUrl, '/stats?stream=true', authHeader);
    // The first frames carry no CPU figure yet; measure the steady state.
    await sleep(3000);
    const seen = stream.events.length;
    await window('one /stats?stream=true client');
    console.log(`  stats frames received in the window: ${stream.events.length - seen}`);
    stream.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
