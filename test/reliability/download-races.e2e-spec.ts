import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { get, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createContainer } from '../support/containers';
import { removeProjects, startApp, TestApp } from '../support/e2e-app';

const MiB = 1024 * 1024;

/**
 * A container changing files while they are downloaded (the mount is its to write): download-zip
 * stays a whole, consistent zip, and a single-file download never ends short as if it were whole.
 */
describe('reliability: files changing under download and download-zip', () => {
  let t: TestApp;
  let cuid: string;
  let appDir: string;
  let work: string;

  beforeAll(async () => {
    t = await startApp();
    cuid = await createContainer(t);
    appDir = path.join(t.projectsDir, cuid, 'app');
    work = mkdtempSync(path.join(tmpdir(), 'cm-races-'));
  });
  afterAll(async () => {
    await t.stop();
    await removeProjects(t.projectsDir);
    rmSync(t.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  /** GETs a route; `onFirstData` runs once, with the response paused, before the rest is read. */
  function fetch(
    route: string,
    onFirstData?: () => void,
  ): Promise<{ status: number; body: Buffer; complete: boolean }> {
    return new Promise((resolve, reject) => {
      get(`${t.baseUrl}${route}`, { headers: { Authorization: t.authHeader } }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let first = onFirstData;
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          if (!first) return;
          const run = first;
          first = undefined;
          res.pause();
          // Let the server fill the socket and wait on it, then change the file, then read on.
          setTimeout(() => {
            run();
            res.resume();
          }, 300);
        });
        res.on('error', () => undefined);
        res.on('close', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), complete: res.complete }),
        );
      }).on('error', reject);
    });
  }

  it('download-zip of a file that keeps growing is a whole zip whose entry is a prefix of the file', async () => {
    const grow = path.join(appDir, 'race', 'grow.log');
    execFileSync('mkdir', ['-p', path.dirname(grow)]);
    writeFileSync(grow, randomBytes(6 * MiB));
    writeFileSync(path.join(appDir, 'race', 'after.txt'), 'after');
    const appender = setInterval(() => appendFileSync(grow, randomBytes(256 * 1024)), 5);
    let res: { status: number; body: Buffer; complete: boolean };
    try {
      res = await fetch(`/containers/${cuid}/download-zip?path=race`);
    } finally {
      clearInterval(appender);
    }
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    const zip = path.join(work, 'grow.zip');
    writeFileSync(zip, res.body);
    expect(execFileSync('unzip', ['-tq', zip]).toString()).toContain('No errors');
    const out = path.join(work, 'grow');
    execFileSync('unzip', ['-q', zip, '-d', out]);
    const got = readFileSync(path.join(out, 'grow.log'));
    expect(got.length).toBeGreaterThanOrEqual(6 * MiB);
    expect(got.equals(readFileSync(grow).subarray(0, got.length))).toBe(true);
    expect(readFileSync(path.join(out, 'after.txt'), 'utf8')).toBe('after');
  });

  it('files swapped for symlinks to host files while download-zip opens ahead are skipped, never followed', async () => {
    // Many small files, incompressible and more than the sockets hold (24 MB), so the zip flows while
    // the walk still opens files ahead; the
    // container swaps each for a symlink to a host file (the container's compose.yaml) meanwhile.
    const dir = path.join(appDir, 'swap');
    mkdirSync(dir);
    const names = Array.from({ length: 3000 }, (_, i) => `f${String(i).padStart(4, '0')}.bin`);
    for (const name of names) writeFileSync(path.join(dir, name), randomBytes(8192));
    const hostFile = path.join(t.projectsDir, cuid, 'compose.yaml');
    const hostBytes = readFileSync(hostFile);
    const fdsBefore = readdirSync('/proc/self/fd').length;
    let swapped = 0;
    const res = await fetch(`/containers/${cuid}/download-zip?path=swap`, () => {
      for (const name of names.slice(1000)) {
        rmSync(path.join(dir, name));
        symlinkSync(hostFile, path.join(dir, name));
        swapped += 1;
      }
    });
    expect(swapped).toBe(2000);
    expect(res.status).toBe(200);
    expect(res.complete).toBe(true);
    const zip = path.join(work, 'swap.zip');
    writeFileSync(zip, res.body);
    expect(execFileSync('unzip', ['-tq', zip]).toString()).toContain('No errors');
    const out = path.join(work, 'swap');
    execFileSync('unzip', ['-q', zip, '-d', out]);
    const got = readdirSync(out);
    // What was added before the swap is whole; nothing in the zip is the host file.
    expect(got.length).toBeGreaterThanOrEqual(1000);
    expect(got.length).toBeLessThan(names.length);
    for (const name of got) expect(readFileSync(path.join(out, name)).equals(hostBytes)).toBe(false);
    // Every descriptor the walk opened ahead is closed again, and the service answers.
    for (let tries = 0; tries < 50 && readdirSync('/proc/self/fd').length > fdsBefore; tries += 1)
      await new Promise((r) => setTimeout(r, 20));
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(fdsBefore);
    expect((await fetch(`/containers/${cuid}/files?path=swap`)).status).toBe(200);
  });

  it('a file truncated while it is downloaded cuts the connection instead of ending short', async () => {
    const big = path.join(appDir, 'shrink.bin');
    writeFileSync(big, randomBytes(48 * MiB));
    const res = await fetch(`/containers/${cuid}/download?path=shrink.bin`, () => truncateSync(big, MiB));
    expect(res.status).toBe(200);
    expect(res.complete).toBe(false);
    expect(res.body.length).toBeLessThan(48 * MiB);
    // The service is fine afterwards.
    const again = await fetch(`/containers/${cuid}/download?path=shrink.bin`);
    expect(again).toMatchObject({ status: 200, complete: true });
    expect(again.body.length).toBe(MiB);
  });
});
