import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as pty from 'node-pty';
import { PASS, TEST_IMAGE, USER } from '../support/e2e-app';
import { spawnService, ServiceProcess } from '../support/service-process';

jest.setTimeout(180_000);

const CM = path.resolve(__dirname, '../../clients/typescript/dist/cli/main.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** `cm` as a user runs it: the built bin, configured only through CM_URL / CM_USER / CM_PASS. */
describe('cm, the command line, against the built service and the real engine', () => {
  let service: ServiceProcess;
  let work: string;
  let env: NodeJS.ProcessEnv;
  let cuid = '';

  const cm = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [CM, ...args],
        { env: { ...env, ...extraEnv }, timeout: 120_000 },
        (err, stdout, stderr) =>
          resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  beforeAll(async () => {
    if (!existsSync(CM)) throw new Error('cm is not built: run `npm run build` first');
    service = await spawnService();
    work = mkdtempSync(path.join(tmpdir(), 'cm-cli-'));
    env = { PATH: process.env.PATH, HOME: work, CM_URL: service.baseUrl, CM_USER: USER, CM_PASS: PASS };
  });

  afterAll(async () => {
    if (cuid) await cm(['rm', cuid]);
    service.child.kill('SIGTERM');
    await service.exited;
    rmSync(work, { recursive: true, force: true });
  });

  it('creates, uploads a directory with progress, starts, lists and inspects', async () => {
    const created = await cm([
      'create',
      '--image',
      TEST_IMAGE,
      '--env',
      'GREETING=hi there',
      '--port',
      '42161:80',
      '--tag',
      'cli',
    ]);
    expect(created).toMatchObject({ code: 0, stderr: '' });
    cuid = created.stdout.trim();
    expect(cuid).toMatch(/^c[0-9a-f-]{36}$/);

    const src = path.join(work, 'app');
    mkdirSync(path.join(src, 'data'), { recursive: true });
    writeFileSync(
      path.join(src, 'boot.py'),
      'import os, time\nprint("hello", os.environ["GREETING"], flush=True)\ntime.sleep(100000)\n',
    );
    writeFileSync(path.join(src, 'data', 'blob.bin'), Buffer.alloc(200_000, 1));
    const up = await cm(['--progress', 'cp', src, `${cuid}:`]);
    expect(up.code).toBe(0);
    expect(up.stdout).toContain(`2 files`);
    expect(up.stderr).toMatch(/upload app \[#+\] 100%/);

    expect(await cm(['start', cuid])).toEqual({ code: 0, stdout: `${cuid}\trunning\n`, stderr: '' });
    const table = await cm(['ls', '--tag', 'cli']);
    expect(table.stdout.split('\n')[0]).toMatch(/^CUID\s+STATUS\s+IMAGE\s+PORTS\s+TAGS\s+CREATED$/);
    expect(table.stdout).toMatch(new RegExp(`${cuid}\\s+running\\s+${TEST_IMAGE}\\s+42161:80/tcp\\s+cli`));
    const listed = JSON.parse((await cm(['ls', '--json', '--status', 'running'])).stdout);
    expect(listed.map((c: { cuid: string }) => c.cuid)).toContain(cuid);
    expect((await cm(['inspect', cuid])).stdout).toMatch(/^status\s+running$/m);
    expect(JSON.parse((await cm(['inspect', cuid, '--json'])).stdout)).toMatchObject({
      cuid,
      state: { status: 'running' },
    });
  });

  it('exec passes the exit code through and keeps stdout and stderr apart', async () => {
    const run = await cm(['exec', cuid, '--', 'sh', '-c', 'echo out; echo err >&2; exit 7']);
    expect(run).toEqual({ code: 7, stdout: 'out\n', stderr: 'err\n' });
    expect(await cm(['exec', cuid, '--', 'printf', '%s', 'a b'])).toEqual({ code: 0, stdout: 'a b', stderr: '' });
  });

  it('cp downloads a file, a file to stdout, and a directory (as a zip, unpacked)', async () => {
    const dest = path.join(work, 'out');
    mkdirSync(dest);
    const file = await cm(['--progress', 'cp', `${cuid}:data/blob.bin`, dest]);
    expect(file.code).toBe(0);
    expect(file.stderr).toContain('100%');
    expect(readFileSync(path.join(dest, 'blob.bin'))).toEqual(Buffer.alloc(200_000, 1));
    expect((await cm(['cp', `${cuid}:boot.py`, '-'])).stdout).toContain('print("hello"');
    const dir = await cm(['cp', `${cuid}:`, path.join(dest, 'all')]);
    expect(dir).toMatchObject({ code: 0, stdout: `2 files → ${path.join(dest, 'all')}\n` });
    expect(readFileSync(path.join(dest, 'all', 'data', 'blob.bin')).length).toBe(200_000);
  });

  it('logs -f follows boot.py until stopped', async () => {
    const child = spawn(process.execPath, [CM, 'logs', '-f', cuid], { env });
    let out = '';
    await new Promise<void>((resolve) =>
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('hello hi there')) resolve();
      }),
    );
    child.kill('SIGINT');
    await new Promise((r) => child.once('exit', r));
  });

  it('logs without -f prints what boot.py wrote so far and ends', async () => {
    expect(await cm(['logs', cuid])).toEqual({ code: 0, stdout: 'hello hi there\n', stderr: '' });
    expect(await cm(['logs', '--tail', '0', cuid])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('stats, keepalive and audit', async () => {
    const one = await cm(['stats', cuid]);
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n')[0]).toMatch(
      /^CUID\s+CPU %\s+MEM USAGE \/ LIMIT\s+MEM %\s+PIDS\s+NET I\/O\s+BLOCK I\/O$/,
    );
    expect(one.stdout).toMatch(new RegExp(`^${cuid}\\s+\\d+\\.\\d\\d%\\s+`, 'm'));
    expect(JSON.parse((await cm(['stats', '--json', cuid])).stdout)).toMatchObject({ cuid, pids: expect.any(Number) });
    const all = JSON.parse((await cm(['stats', '--json'])).stdout);
    expect(all.containers.map((c: { cuid: string }) => c.cuid)).toContain(cuid);

    expect(await cm(['keepalive', cuid])).toMatchObject({ code: 0, stdout: `${cuid}\trunning\n` });
    const entries = JSON.parse((await cm(['audit', '--json', '--cuid', cuid, '--action', 'container.start'])).stdout);
    expect(entries).toEqual([expect.objectContaining({ cuid, action: 'container.start', status: 200 })]);
    const table = await cm(['audit', '--cuid', cuid, '--limit', '3']);
    const rows = table.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^TIME\s+USER\s+ACTION\s+CUID\s+STATUS\s+MS\s+CODE\s+REQUEST_ID$/);
    expect(rows).toHaveLength(4);
    expect(table.stdout).toMatch(new RegExp(`container\\.keepalive\\s+${cuid}\\s+200`));
  });

  it('events follows the live stream: actions and state changes, as they happen', async () => {
    const child = spawn(process.execPath, [CM, 'events', '--cuid', cuid], { env });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      // Keepalives until one shows: then the stream is surely open.
      while (!new RegExp(`action\\s+${cuid}\\s+container\\.keepalive 200`).test(out)) {
        await cm(['keepalive', cuid]);
        await new Promise((r) => setTimeout(r, 200));
      }
      await cm(['pause', cuid]);
      await cm(['unpause', cuid]);
      const end = Date.now() + 30_000;
      while (!new RegExp(`unpaused\\s+${cuid}`).test(out) && Date.now() < end) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(out).toMatch(new RegExp(`^\\S+\\s+paused\\s+${cuid}$`, 'm'));
      expect(out).toMatch(new RegExp(`action\\s+${cuid}\\s+container\\.pause 200 \\d+ms ${USER}`));
      expect(out).toMatch(new RegExp(`^\\S+\\s+unpaused\\s+${cuid}$`, 'm'));
    } finally {
      child.kill('SIGINT');
      await new Promise((r) => child.once('exit', r));
    }
  });

  it('shell: a real terminal in raw mode, resized on SIGWINCH, Ctrl-C reaching the remote job', async () => {
    const term = pty.spawn(process.execPath, [CM, 'shell', cuid], {
      cols: 80,
      rows: 24,
      env: env,
    });
    let screen = '';
    term.onData((d) => (screen += d));
    const exited = new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
    const waitFor = async (pattern: RegExp, ms = 30_000): Promise<boolean> => {
      const end = Date.now() + ms;
      while (!pattern.test(screen)) {
        if (Date.now() > end) return false;
        await new Promise((r) => setTimeout(r, 50));
      }
      return true;
    };
    // The size reaches the remote pty through docker's exec resize, a moment after it changed here.
    const sizeIs = async (size: string): Promise<boolean> => {
      for (let i = 0; i < 10; i += 1) {
        screen = '';
        term.write('stty size\r');
        if (await waitFor(new RegExp(`[\\r\\n]${size}\\r`), 2_000)) return true;
      }
      return false;
    };
    expect(await waitFor(/\$ $/)).toBe(true);
    expect(await sizeIs('24 80')).toBe(true);
    term.resize(132, 40);
    expect(await sizeIs('40 132')).toBe(true);
    term.write('sleep 1000\r');
    await new Promise((r) => setTimeout(r, 500));
    screen = '';
    term.write('\x03');
    expect(await waitFor(/\$ $/, 10_000)).toBe(true);
    term.write('echo rc-$?\r');
    expect(await waitFor(/rc-130/)).toBe(true);
    term.write('exit 3\r');
    expect(await exited).toBe(3);
  });

  it('lifecycle commands, then rm; failures print the code and request_id and exit 1', async () => {
    expect((await cm(['pause', cuid])).stdout).toBe(`${cuid}\tpaused\n`);
    const refused = await cm(['start', cuid]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^cm: CONTAINER_PAUSED: .*request_id [0-9a-f-]{36}\)$/m);
    const asJson = await cm(['start', cuid, '--json']);
    expect(JSON.parse(asJson.stderr)).toMatchObject({ code: 'CONTAINER_PAUSED', status: 422, error: 'state_error' });
    expect((await cm(['unpause', cuid])).stdout).toBe(`${cuid}\trunning\n`);
    expect((await cm(['restart', '--timeout', '1', cuid])).stdout).toBe(`${cuid}\trunning\n`);
    expect((await cm(['stop', '--timeout', '1', cuid])).stdout).toBe(`${cuid}\tstopped\n`);
    expect(await cm(['rm', cuid])).toMatchObject({ code: 0, stdout: `${cuid}\tdeleted\n` });
    const gone = await cm(['inspect', cuid]);
    cuid = '';
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/CONTAINER_NOT_FOUND.*request_id [0-9a-f-]{36}/);
  });

  it('exit codes: 2 for a bad command line, 3 when the service cannot be reached, 1 for wrong credentials', async () => {
    expect((await cm(['frobnicate'])).code).toBe(2);
    expect((await cm(['create'])).code).toBe(2);
    expect((await cm(['ls'], { CM_USER: '' })).code).toBe(2);
    const down = await cm(['ls'], { CM_URL: 'http://127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('ECONNREFUSED');
    const denied = await cm(['ls'], { CM_PASS: 'wrong' });
    expect(denied).toMatchObject({ code: 1 });
    expect(denied.stderr).toContain('INVALID_CREDENTIALS');
  });

  it('reads the connection from a config file when the environment has none', async () => {
    const file = path.join(work, 'cm.json');
    writeFileSync(file, JSON.stringify({ url: service.baseUrl, user: USER, pass: PASS }));
    const run = await cm(['ls', '--json'], {
      CM_URL: undefined,
      CM_USER: undefined,
      CM_PASS: undefined,
      CM_CONFIG: file,
    });
    expect(run.code).toBe(0);
  });
});
