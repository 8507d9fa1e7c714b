import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
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
