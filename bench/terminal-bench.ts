/**
 * Terminal benchmark (not a test): `npx ts-node bench/terminal-bench.ts`. Boots the real app in this
 * process against the real Docker engine and prints figures:
 *  - throughput of `head -c N /dev/zero | base64` through the socket vs the same via `docker compose exec -T`;
 *  - keystroke echo round trip in shell mode (p50/p99);
 *  - memory per session with 50 concurrent shells (this process, and the docker CLIs it spawned);
 *  - file descriptors and child processes after many open/close cycles, against the baseline.
 * Sizes can be lowered with BENCH_BYTES, BENCH_KEYS, BENCH_SESSIONS, BENCH_CYCLES.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import WebSocket from 'ws';
import { SessionRegistry } from '../src/terminal/session-registry';
import { createContainer, SLEEPING_BOOT, writeBootPy } from '../test/support/containers';
import { startApp, TestApp } from '../test/support/e2e-app';

const BYTES = Number(process.env.BENCH_BYTES ?? 100_000_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 300);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 500);
const CYCLE_CONCURRENCY = 10;

interface Frame {
  type: string;
  data?: string;
  encoding?: string;
  code?: number;
}

function open(t: TestApp, cuid: string, query: string, onFrame: (f: Frame) => void): Promise<WebSocket> {
  const ws = new WebSocket(`${t.wsUrl}/ws/${cuid}${query}`, { headers: { Authorization: t.authHeader } });
  ws.on('message', (data) => onFrame(JSON.parse((data as Buffer).toString()) as Frame));
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const decodedLength = (f: Frame): number =>
  f.encoding === 'base64' ? Buffer.from(f.data ?? '', 'base64').length : Buffer.byteLength(f.data ?? '');

async function throughOneSocket(
  t: TestApp,
  cuid: string,
  query: string,
): Promise<{ mb: number; s: number; frames: number }> {
  let bytes = 0;
  let frames = 0;
  const started = performance.now();
  await new Promise<void>((resolve, reject) => {
    open(t, cuid, query, (f) => {
      if (f.type === 'stdout') {
        bytes += decodedLength(f);
        frames += 1;
      }
      if (f.type === 'exit') resolve();
    }).catch(reject);
  });
  return { mb: bytes / 1e6, s: (performance.now() - started) / 1000, frames };
}

async function throughput(t: TestApp, cuid: string): Promise<void> {
  const cmd = `head -c ${BYTES} /dev/zero | base64`;
  const pty = await throughOneSocket(t, cuid, `?mode=exec&cmd=${encodeURIComponent(cmd)}`);
  const pipe = await throughOneSocket(t, cuid, `?mode=exec&tty=false&cmd=${encodeURIComponent(cmd)}`);
  const dir = path.join(t.projectsDir, cuid);
  const direct = performance.now();
  await new Promise<void>((resolve) => {
    const argv = ['compose', '-p', cuid, '-f', path.join(dir, 'compose.yaml'), '--project-directory', dir];
    spawn('docker', [...argv, 'exec', '-T', 'app', 'sh', '-c', cmd], { stdio: ['ignore', 'ignore', 'inherit'] }).on(
      'close',
      () => resolve(),
    );
  });
  const directSeconds = (performance.now() - direct) / 1000;
  const line = (name: string, r: { mb: number; s: number; frames: number }): string =>
    `  ${name}: ${r.mb.toFixed(1)} MB in ${r.frames} frames, ${r.s.toFixed(2)} s = ${(r.mb / r.s).toFixed(1)} MB/s, ` +
    `${(r.s / directSeconds).toFixed(2)}x the direct time`;
  console.log(`throughput of \`${cmd}\`:`);
  console.log(`  docker compose exec -T >/dev/null (direct): ${directSeconds.toFixed(2)} s`);
  console.log(line('websocket, exec on a pty (default)', pty));
  console.log(line('websocket, exec with tty=false', pipe));
}

async function echo(t: TestApp, cuid: string): Promise<void> {
  let waiting: ((f: Frame) => void) | null = null;
  let seen = '';
  const ws = await open(t, cuid, '', (f) => {
    if (f.type !== 'stdout') return;
    seen += f.data ?? '';
    waiting?.(f);
  });
  const until = (pred: () => boolean): Promise<void> =>
    new Promise((resolve) => {
      if (pred()) return resolve();
      waiting = () => {
        if (pred()) {
          waiting = null;
          resolve();
        }
      };
    });
  await until(() => seen.endsWith('$ '));
  const samples: number[] = [];
  for (let i = 0; i < KEYS; i++) {
    if (i > 0 && i % 50 === 0) {
      ws.send(JSON.stringify({ type: 'stdin', data: '\x15', encoding: 'utf8' })); // Ctrl-U: clear the line
      await new Promise((r) => setTimeout(r, 100));
    }
    seen = '';
    const started = performance.now();
    ws.send(JSON.stringify({ type: 'stdin', data: 'x', encoding: 'utf8' }));
    await until(() => seen.includes('x'));
    samples.push(performance.now() - started);
  }
  ws.close();
  const sorted = samples.slice(10).sort((a, b) => a - b);
  const pct = (p: number): string =>
    (sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0).toFixed(2);
  console.log(`keystroke echo (${sorted.length} keys, shell mode): p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`);
}

/** Memory in kB (PSS: shared pages split between their users) of every descendant of this process. */
function childrenRssKb(): { count: number; kb: number } {
  const parents = new Map<number, number>();
  const rss = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      parents.set(Number(name), Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0));
      const rollup = readFileSync(`/proc/${name}/smaps_rollup`, 'utf8');
      rss.set(Number(name), Number(/^Pss:\s+(\d+)/m.exec(rollup)?.[1] ?? 0));
    } catch {
      // gone meanwhile
    }
  }
  const mine = new Set([process.pid]);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, ppid] of parents) {
      if (!mine.has(pid) && mine.has(ppid)) {
        mine.add(pid);
        grew = true;
      }
    }
  }
  mine.delete(process.pid);
  return { count: mine.size, kb: [...mine].reduce((sum, pid) => sum + (rss.get(pid) ?? 0), 0) };
}

async function settle(t: TestApp): Promise<void> {
  const registry = t.app.get(SessionRegistry);
  while (registry.size > 0) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1000));
  (global as { gc?: () => void }).gc?.();
}

async function concurrent(t: TestApp, cuid: string): Promise<void> {
  await settle(t);
  const before = process.memoryUsage().rss;
  const sockets = await Promise.all(
    Array.from({ length: SESSIONS }, async () => {
      let seen = '';
      let ready!: () => void;
      const prompt = new Promise<void>((r) => (ready = r));
      const ws = await open(t, cuid, '', (f) => {
        seen += f.data ?? '';
        if (seen.endsWith('$ ')) ready();
      });
      await prompt;
      return ws;
    }),
  );
  const after = process.memoryUsage().rss;
  const cli = childrenRssKb();
  console.log(`${SESSIONS} concurrent shell sessions:`);
  console.log(`  this process (server + test clients): +${((after - before) / SESSIONS / 1024).toFixed(0)} kB/session`);
  console.log(`  local docker CLI processes: ${cli.count}, ${(cli.kb / SESSIONS / 1024).toFixed(1)} MB PSS/session`);
  sockets.forEach((ws) => ws.send(JSON.stringify({ type: 'close' })));
  await settle(t);
}

const fdCount = (): number => readdirSync('/proc/self/fd').length;

async function churn(t: TestApp, cuid: string): Promise<void> {
  await settle(t);
  const fdsBefore = fdCount();
  const childrenBefore = childrenRssKb().count;
  const started = performance.now();
  let next = 0;
  let failures = 0;
  const worker = async (): Promise<void> => {
    while (next < CYCLES) {
      next += 1;
      await new Promise<void>((resolve) => {
        open(t, cuid, '?mode=exec&cmd=true', (f) => {
          if (f.type === 'error') failures += 1;
          if (f.type === 'exit' || f.type === 'error') resolve();
        }).catch(() => {
          failures += 1;
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: CYCLE_CONCURRENCY }, worker));
  const seconds = (performance.now() - started) / 1000;
  await settle(t);
  console.log(
    `${CYCLES} open/exec/close cycles (${CYCLE_CONCURRENCY} at a time): ${seconds.toFixed(1)} s, ${failures} failed`,
  );
  console.log(
    `  fds: ${fdsBefore} before, ${fdCount()} after; child processes: ${childrenBefore} before, ${childrenRssKb().count} after`,
  );
}

async function main(): Promise<void> {
  const t = await startApp({ TERMINAL_MAX_SESSIONS: '500', TERMINAL_MAX_SESSIONS_PER_CONTAINER: '500' });
  try {
    const cuid = await createContainer(t);
    writeBootPy(t, cuid, SLEEPING_BOOT);
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    await throughput(t, cuid);
    await echo(t, cuid);
    await concurrent(t, cuid);
    await churn(t, cuid);
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
