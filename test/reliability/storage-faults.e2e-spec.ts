import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createContainer } from '../support/containers';
import { auditLines, removeProjects, startApp, TEST_IMAGE, TestApp } from '../support/e2e-app';

/**
 * compose-projects on a tiny tmpfs, filled up and then made read-only under the running service:
 * clear io_error answers, and nothing on disk corrupted or half-written.
 */
describe('reliability: full or read-only compose-projects, audit log rotated or removed', () => {
  let t: TestApp;
  let mountPoint: string;

  beforeAll(async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'cm-storage-'));
    mountPoint = path.join(root, 'compose-projects');
    mkdirSync(mountPoint);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountPoint]);
    t = await startApp({}, { root });
  });
  afterAll(async () => {
    try {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
      await t.stop();
      await removeProjects(t.projectsDir);
    } finally {
      // The tmpfs must be gone before its parent directory can be removed.
      execFileSync('umount', ['-l', mountPoint]);
      rmSync(t.root, { recursive: true, force: true });
    }
  });

  const composeFiles = (): Record<string, string> =>
    Object.fromEntries(
      readdirSync(mountPoint)
        .filter((d) => d.startsWith('c'))
        .map((d) => [d, readFileSync(path.join(mountPoint, d, 'compose.yaml'), 'utf8')]),
    );

  it('a full disk answers 500 io_error and leaves no half-made project', async () => {
    const existing = await createContainer(t, { env: { A: '1' } });
    const before = composeFiles();
    const filler = path.join(mountPoint, 'filler');
    try {
      writeFileSync(filler, Buffer.alloc(1024 * 1024));
    } catch {
      // ENOSPC once the tmpfs is full: that is the point.
    }
    const res = await t
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, env: { B: 'x'.repeat(20_000) } });
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ error: 'io_error', code: 'PROJECT_WRITE_FAILED', details: { errno: 'ENOSPC' } });
    const patch = await t
      .http()
      .patch(`/containers/${existing}`)
      .send({ env: { BIG: 'y'.repeat(20_000) } });
    expect(patch.status).toBe(500);
    expect(patch.body.code).toBe('PROJECT_WRITE_FAILED');
    expect(composeFiles()).toEqual(before);
    expect(readdirSync(path.join(mountPoint, existing)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    rmSync(filler, { force: true });
    expect((await t.http().get(`/containers/${existing}`).expect(200)).body.env).toEqual({ A: '1' });
  });

  it('a read-only disk answers 500 io_error and changes nothing', async () => {
    const existing = await createContainer(t);
    const before = composeFiles();
    execFileSync('mount', ['-o', 'remount,ro', mountPoint]);
    try {
      const res = await t.http().post('/containers').send({ image: TEST_IMAGE });
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({ error: 'io_error', code: 'PROJECT_WRITE_FAILED', details: { errno: 'EROFS' } });
      const patch = await t
        .http()
        .patch(`/containers/${existing}`)
        .send({ tags: ['x'] });
      expect(patch.body).toMatchObject({ error: 'io_error', details: { errno: 'EROFS' } });
      expect(composeFiles()).toEqual(before);
      await t.http().get(`/containers/${existing}`).expect(200);
    } finally {
      execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
    }
  });

  it('keeps auditing after the log is rotated away or removed', async () => {
    const file = path.join(t.logDir, 'actions.jsonl');
    await t.http().get('/healthz').set('X-Request-Id', 'before-rotate').expect(200);
    await auditLines(t);
    renameSync(file, `${file}.1`);
    await t.http().get('/healthz').set('X-Request-Id', 'after-rotate').expect(200);
    expect((await auditLines(t)).map((l) => l.request_id)).toEqual(['after-rotate']);
    expect(readFileSync(`${file}.1`, 'utf8')).toContain('before-rotate');
    rmSync(file);
    await t.http().get('/healthz').set('X-Request-Id', 'after-remove').expect(200);
    expect((await auditLines(t)).map((l) => l.request_id)).toEqual(['after-remove']);
    expect(existsSync(file)).toBe(true);
  });
});
