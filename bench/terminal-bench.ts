/**
 * Terminal benchmark (not a test): `NODE_OPTIONS=--expose-gc npx ts-node --transpile-only bench/terminal-bench.ts`
 * (the flag lets memory be measured after a collection). Boots the
 * real app in this process (default session limits) against the real Docker engine and prints figures,
 * each beside its anchor from the same run, sides alternating, medians of BENCH_ROUNDS:
 *  - throughput of `head -c N /dev/zero | base64` (135 MB by default) on a pty vs `docker exec -t`, and
 *    with tty=false vs `docker compose exec -T`;
 *  - keystroke echo round trip in shell mode (p50/p99);
 *  - PSS per session with 50 concurrent shells (this process and every local child; the engine's own
 *    processes beside, for information);
 *  - refusals over 200 open/drop reconnect cycles at concurrency 4 with busy loops beside;
 *  - file descriptors and child processes after many open/close cycles, against the baseline.
 * Sizes can be lowered with BENCH_BYTES, BENCH_KEYS, BENCH_SESSIONS, BENCH_CYCLES, BENCH_RECONNECTS,
 * BENCH_ROUNDS, BENCH_SPINNERS; BENCH_ONLY=throughput,echo,sessions,reconnects,churn picks sections.
 * It ends with the rows of the README's table.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { SessionRegistry } from '../src/terminal/session-registry';
import { composeArgv, createContainer, SLEEPING_BOOT, writeBootPy } from '../test/support/containers';
import { startApp, TestApp } from '../test/support/e2e-app';

const BYTES = Number(process.env.BENCH_BYTES ?? 100_000_000);
const KEYS = Number(process.env.BENCH_KEYS ?? 300);
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 50);
const CYCLES = Number(process.env.BENCH_CYCLES ?? 500);
const CYCLE_CONCURRENCY = 10;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RECONNECTS = Number(process.env.BENCH_RECONNECTS ?? 200);
const SPINNERS = Number(process.env.BENCH_SPINNERS ?? 2);
/** BENCH_ONLY=throughput,echo,sessions,reconnects,churn runs only those sections. */
const ONLY = (process.env.BENCH_ONLY ?? '').split(',').filter((x) => x !== '');
const wanted = (section: string): boolean => ONLY.length === 0 || ONLY.includes(section);

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

/**
 * The client of a throughput round, in a process of its own: the service does not parse its clients'
 * frames, and a client on the service's event loop would halve what either gets on two cores, as the
 * CLI anchors run apart from their readers too. It times itself from the upgrade request to the exit frame.
 */
const DRAIN_CLIENT = `
const WebSocket = require('ws');
const { PerformanceObserver } = require('node:perf_hooks');
const [url, auth] = process.argv.slice(1);
let bytes = 0, frames = 0, gcMs = 0;
const gcObserver = new PerformanceObserver((list) => { for (const e of list.getEntries()) gcMs += e.duration; });
gcObserver.observe({ entryTypes: ['gc'] });
const started = performance.now();
const cpuAtStart = process.cpuUsage();
const ws = new WebSocket(url, { headers: { Authorization: auth } });
ws.on('message', (data, isBinary) => {
  if (isBinary) {
    bytes += data.length - 1;
    frames += 1;
    return;
  }
  const f = JSON.parse(data.toString());
  if (f.type === 'stdout') {
    bytes += f.encoding === 'base64' ? Buffer.from(f.data, 'base64').length : Buffer.byteLength(f.data);
    frames += 1;
  } else if (f.type === 'exit') {
    const s = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    for (const e of gcObserver.takeRecords()) gcMs += e.duration;
    process.stdout.write(JSON.stringify({ bytes, frames, s, cpu: (cpu.user + cpu.system) / 1e6, gc: gcMs / 1000 }));
    ws.terminate();
  }
});
ws.on('error', (e) => { console.error(e.message); process.exit(1); });
`;

async function throughOneSocket(
  t: TestApp,
  cuid: string,
  query: string,
): Promise<{ mb: number; s: number; frames: number; cpu: number; client: { cpu: number; gc: number } }> {
  const cpuBefore = process.cpuUsage();
  const child = spawn(process.execPath, ['-e', DRAIN_CLIENT, `${t.wsUrl}/ws/${cuid}${query}`, t.authHeader], {
    cwd: path.resolve(__dirname, '..'),
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  await new Promise((resolve) => child.on('close', resolve));
  const r = JSON.parse(out) as { bytes: number; frames: number; s: number; cpu: number; gc: number };
  const cpu = process.cpuUsage(cpuBefore);
  return {
    mb: r.bytes / 1e6,
    s: r.s,
    frames: r.frames,
    cpu: (cpu.user + cpu.system) / 1e6,
    client: { cpu: r.cpu, gc: r.gc },
  };
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

/**
 * Seconds for an argv to run to its end, its stdout thrown away (the CLI reads and writes every byte
 * to /dev/null), and the CPU seconds of the CLI's whole process tree (GNU time's user + system).
 */
function timed(argv: string[]): Promise<{ s: number; cpu: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let err = '';
    const child = spawn('/usr/bin/time', ['-f', 'CPU %U %S', ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject).on('close', () => {
      const m = /CPU ([\d.]+) ([\d.]+)/.exec(err);
      resolve({ s: (performance.now() - started) / 1000, cpu: m ? Number(m[1]) + Number(m[2]) : NaN });
    });
  });
}

interface Row {
  figure: string;
  service: string;
  anchor: string;
  ratio: string;
}
const rows: Row[] = [];

async function throughput(t: TestApp, cuid: string): Promise<void> {
  const cmd = `head -c ${BYTES} /dev/zero | base64`;
  const id = await containerIdOf(cuid);
  const sides = {
    pty: () => throughOneSocket(t, cuid, `?mode=exec&cmd=${encodeURIComponent(cmd)}`),
    pipe: () => throughOneSocket(t, cuid, `?mode=exec&tty=false&cmd=${encodeURIComponent(cmd)}`),
    binary: () => throughOneSocket(t, cuid, `?mode=exec&tty=false&output=binary&cmd=${encodeURIComponent(cmd)}`),
    execT: () => timed(['docker', 'exec', '-t', id, 'sh', '-c', cmd]),
    composeT: () => timed(['docker', ...composeArgv(t.projectsDir, cuid), 'exec', '-T', 'app', 'sh', '-c', cmd]),
  };
  type Side = keyof typeof sides;
  const perSide = (): Record<Side, number[]> => ({ pty: [], pipe: [], binary: [], execT: [], composeT: [] });
  const seconds = perSide();
  const cpu = perSide();
  /** The websocket clients' own CPU and garbage collection, per side. */
  const clientCpu = perSide();
  const clientGc = perSide();
  let mb = 0;
  let frames = 0;
  for (let round = 0; round < ROUNDS; round++) {
    // Each pair alternates which side goes first, so a slow spell on the machine hits both.
    const order =
      round % 2 === 0
        ? (['pty', 'execT', 'pipe', 'composeT', 'binary'] as const)
        : (['binary', 'execT', 'pty', 'composeT', 'pipe'] as const);
    for (const side of order) {
      if (side === 'pty' || side === 'pipe' || side === 'binary') {
        const r = await sides[side]();
        seconds[side].push(r.s);
        cpu[side].push(r.cpu);
        clientCpu[side].push(r.client.cpu);
        clientGc[side].push(r.client.gc);
        mb = r.mb;
        if (side === 'pty') frames = r.frames;
      } else {
        const r = await sides[side]();
        seconds[side].push(r.s);
        cpu[side].push(r.cpu);
      }
    }
  }
  const rate = (side: keyof typeof seconds): number => mb / median(seconds[side]);
  console.log(`throughput of \`${cmd}\` (${mb.toFixed(1)} MB, median of ${ROUNDS} rounds, sides alternating):`);
  const cpuOf = (side: keyof typeof cpu): string => `${median(cpu[side]).toFixed(2)} CPU s`;
  const clientOf = (side: Side): string =>
    `client ${median(clientCpu[side]).toFixed(2)} CPU s, GC pauses ${median(clientGc[side]).toFixed(2)} s`;
  console.log(
    `  websocket, exec on a pty (default): ${rate('pty').toFixed(1)} MB/s in ${frames} frames, service ${cpuOf('pty')}`,
  );
  console.log(`  docker exec -t (no local pty):      ${rate('execT').toFixed(1)} MB/s, CLI ${cpuOf('execT')}`);
  console.log(
    `  websocket, exec with tty=false:     ${rate('pipe').toFixed(1)} MB/s, service ${cpuOf('pipe')}, ${clientOf('pipe')}`,
  );
  console.log(`  docker compose exec -T:             ${rate('composeT').toFixed(1)} MB/s, CLI ${cpuOf('composeT')}`);
  console.log(
    `  websocket, tty=false&output=binary: ${rate('binary').toFixed(1)} MB/s, service ${cpuOf('binary')}, ${clientOf('binary')}`,
  );
  console.log(
    `  load average at the end: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${cpus().length} cores`,
  );
  rows.push({
    figure: `exec on a pty, ${mb.toFixed(0)} MB of output`,
    service: `${rate('pty').toFixed(1)} MB/s (service ${cpuOf('pty')})`,
    anchor: `\`docker exec -t\` ${rate('execT').toFixed(1)} MB/s (CLI ${cpuOf('execT')})`,
    ratio: `${(rate('pty') / rate('execT')).toFixed(2)}×`,
  });
  rows.push({
    figure: 'exec `tty=false`, same output',
    service: `${rate('pipe').toFixed(1)} MB/s (service ${cpuOf('pipe')}; ${clientOf('pipe')})`,
    anchor: `\`docker compose exec -T\` ${rate('composeT').toFixed(1)} MB/s (CLI ${cpuOf('composeT')})`,
    ratio: `${(rate('pipe') / rate('composeT')).toFixed(2)}×`,
  });
  rows.push({
    figure: 'exec `tty=false&output=binary`, same output',
    service: `${rate('binary').toFixed(1)} MB/s (service ${cpuOf('binary')}; ${clientOf('binary')})`,
    anchor: `\`docker compose exec -T\` ${rate('composeT').toFixed(1)} MB/s (same rounds)`,
    ratio: `${(rate('binary') / rate('composeT')).toFixed(2)}×`,
  });
}

async function containerIdOf(cuid: string): Promise<string> {
  const out = await new Promise<string>((resolve, reject) => {
    let text = '';
    const child = spawn('docker', ['ps', '-q', '--no-trunc', '--filter', `label=com.docker.compose.project=${cuid}`]);
    child.stdout.on('data', (d: Buffer) => (text += d.toString()));
    child.on('error', reject).on('close', () => resolve(text.trim()));
  });
  return out.split('\n')[0] ?? '';
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
  rows.push({
    figure: 'keystroke echo, shell',
    service: `p50 ${pct(0.5)} ms, p99 ${pct(0.99)} ms`,
    anchor: 'target p50 ≤ 5 ms',
    ratio: '',
  });
}

const pssKb = (pid: number | 'self'): number => {
  try {
    return Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
};

/** Memory in kB (PSS: shared pages split between their users) of every descendant of this process. */
function childrenPssKb(): { count: number; kb: number } {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const status = readFileSync(`/proc/${name}/status`, 'utf8');
      parents.set(Number(name), Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0));
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
  return { count: mine.size, kb: [...mine].reduce((sum, pid) => sum + pssKb(pid), 0) };
}

/** The engine's own processes (dockerd, containerd), whose memory a session may also grow; shared with everyone. */
function enginePssKb(): number {
  let kb = 0;
  for (const name of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const comm = readFileSync(`/proc/${name}/comm`, 'utf8').trim();
      if (comm === 'dockerd' || comm === 'containerd') kb += pssKb(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return kb;
}

async function settle(t: TestApp): Promise<void> {
  const registry = t.app.get(SessionRegistry);
  while (registry.size > 0) await new Promise((r) => setTimeout(r, 200));
  await new Promise((r) => setTimeout(r, 1000));
  (global as { gc?: () => void }).gc?.();
}

async function openShell(t: TestApp, cuid: string): Promise<WebSocket> {
  let seen = '';
  let ready!: () => void;
  const prompt = new Promise<void>((r) => (ready = r));
  const ws = await open(t, cuid, '', (f) => {
    seen += f.data ?? '';
    if (seen.endsWith('$ ')) ready();
  });
  await prompt;
  return ws;
}

/** SESSIONS shells spread over containers of at most the default 10 each; PSS of the whole process tree. */
async function concurrent(t: TestApp, cuids: string[]): Promise<void> {
  await settle(t);
  const before = { self: pssKb('self'), children: childrenPssKb(), engine: enginePssKb() };
  const sockets = await Promise.all(
    Array.from({ length: SESSIONS }, (_, i) => openShell(t, cuids[i % cuids.length] as string)),
  );
  await new Promise((r) => setTimeout(r, 1000));
  (global as { gc?: () => void }).gc?.();
  const after = { self: pssKb('self'), children: childrenPssKb(), engine: enginePssKb() };
  // Below 0.1 MB a session's share is within the noise of the heap growing or shrinking meanwhile.
  const perSession = (kb: number): string =>
    kb / SESSIONS < 100 ? '< 0.1 MB' : `${(kb / SESSIONS / 1024).toFixed(2)} MB`;
  const tree = after.self - before.self + after.children.kb - before.children.kb;
  console.log(`${SESSIONS} concurrent shell sessions over ${cuids.length} containers:`);
  console.log(
    `  this process (server and the bench's own clients): ${perSession(after.self - before.self)} PSS/session`,
  );
  console.log(`  local child processes: ${before.children.count} before, ${after.children.count} with the shells open`);
  console.log(`  whole local process tree: ${perSession(tree)} PSS/session`);
  console.log(
    `  dockerd + containerd (shared with every other user of the engine): ${perSession(after.engine - before.engine)}/session`,
  );
  rows.push({
    figure: `PSS per open shell, ${SESSIONS} shells`,
    service: `${perSession(tree)} (${after.children.count - before.children.count} local processes)`,
    anchor: 'target ≤ 8 MB',
    ratio: '',
  });
  sockets.forEach((ws) => ws.send(JSON.stringify({ type: 'close' })));
  await settle(t);
}

/** Issue #15: open a shell, wait for its prompt, drop the connection (no close frame), at once again. */
async function reconnects(t: TestApp, cuid: string): Promise<void> {
  await settle(t);
  const spinners = Array.from({ length: SPINNERS }, () =>
    spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
  );
  let refused = 0;
  let next = 0;
  const waits: number[] = [];
  const started = performance.now();
  const worker = async (): Promise<void> => {
    while (next < RECONNECTS) {
      next += 1;
      const opened = performance.now();
      await new Promise<void>((resolve) => {
        let seen = '';
        const ws = new WebSocket(`${t.wsUrl}/ws/${cuid}`, { headers: { Authorization: t.authHeader } });
        ws.on('error', () => undefined);
        ws.on('message', (data) => {
          const f = JSON.parse((data as Buffer).toString()) as Frame;
          if (f.type === 'error') {
            refused += 1;
            ws.terminate();
            resolve();
          }
          seen += f.data ?? '';
          if (seen.endsWith('$ ')) {
            waits.push(performance.now() - opened);
            ws.terminate();
            resolve();
          }
        });
      });
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  const seconds = (performance.now() - started) / 1000;
  spinners.forEach((s) => s.kill('SIGKILL'));
  await settle(t);
  console.log(
    `${RECONNECTS} open/drop cycles, 4 at a time, per-container limit 10, ${SPINNERS} busy loops beside: ` +
      `${refused} refused, ${seconds.toFixed(1)} s, prompt after p50 ${median(waits).toFixed(0)} ms`,
  );
  rows.push({
    figure: `${RECONNECTS} open/drop reconnect cycles, c=4, limit 10/container, ${SPINNERS} busy loops`,
    service: `${refused} refused`,
    anchor: 'target 0 refused',
    ratio: '',
  });
}

const fdCount = (): number => readdirSync('/proc/self/fd').length;

async function churn(t: TestApp, cuid: string): Promise<void> {
  await settle(t);
  const fdsBefore = fdCount();
  const childrenBefore = childrenPssKb().count;
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
    `  fds: ${fdsBefore} before, ${fdCount()} after; child processes: ${childrenBefore} before, ${childrenPssKb().count} after`,
  );
}

async function runningContainer(t: TestApp): Promise<string> {
  const cuid = await createContainer(t);
  writeBootPy(t, cuid, SLEEPING_BOOT);
  await t.http().post(`/containers/${cuid}/start`).expect(200);
  return cuid;
}

async function main(): Promise<void> {
  // The default session limits (100 in all, 10 per container): the figures are those users get.
  const t = await startApp({});
  try {
    const cuids: string[] = [];
    const containers = wanted('sessions') ? Math.ceil(SESSIONS / 10) : 1;
    for (let i = 0; i < containers; i++) cuids.push(await runningContainer(t));
    const cuid = cuids[0] as string;
    if (wanted('throughput')) await throughput(t, cuid);
    if (wanted('echo')) await echo(t, cuid);
    if (wanted('sessions')) await concurrent(t, cuids);
    if (wanted('reconnects')) await reconnects(t, cuid);
    if (wanted('churn')) await churn(t, cuid);
    console.log('\nREADME rows (the machine was not quiet unless you made it so):');
    console.log('| figure | service | anchor | ratio |\n| --- | --- | --- | --- |');
    for (const r of rows) console.log(`| ${r.figure} | ${r.service} | ${r.anchor} | ${r.ratio} |`);
  } finally {
    await t.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
