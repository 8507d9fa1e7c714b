import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AuditLog } from '../audit/audit-log';
import { IoError } from '../common/errors/app-error';
import { TreeRemover } from '../common/fs/tree-remover';
import { ProjectPaths } from '../compose/project-paths';
import { fakeConfig } from '../../test/support/fake-config';
import type { ContainerSpec } from './container.types';
import { LeftoverSweeper } from './leftover-sweeper';
import { ProjectStore } from './project-store';

const CUID_A = 'c0a8b2c4d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const CUID_B = 'c1a8b2c4d-1e2f-4a3b-9c4d-5e6f7a8b9c0d';

const spec = (cuid: string, created_at: string): ContainerSpec => ({
  cuid,
  image: 'img',
  env: { A: 'x$y' },
  tags: ['t'],
  resources: {},
  ports: [],
  command: null,
  created_at,
  updated_at: created_at,
});

describe('ProjectStore (temp dir)', () => {
  let root: string;
  const storeOn = (dir: string): ProjectStore => {
    const config = fakeConfig({
      composeProjectsDir: dir,
      uid: process.getuid!(),
      gid: process.getgid!(),
      containerNetwork: 'bridge',
      portBindAddress: '127.0.0.1',
    });
    const paths = new ProjectPaths(config);
    const leftovers = new LeftoverSweeper(paths, new TreeRemover(), { write: () => undefined } as unknown as AuditLog);
    return new ProjectStore(paths, config, leftovers);
  };

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cm-store-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the project and its app/ mount, and a fresh store loads the same spec back', async () => {
    const store = storeOn(root);
    await store.load();
    await store.create(spec(CUID_B, '2026-01-02T00:00:00Z'));
    await store.create(spec(CUID_A, '2026-01-01T00:00:00Z'));
    expect((await fs.stat(path.join(root, CUID_A, 'app'))).isDirectory()).toBe(true);
    expect(await fs.readFile(path.join(root, CUID_A, 'compose.yaml'), 'utf8')).toContain('x$$y');

    const reloaded = storeOn(root);
    await reloaded.load();
    expect(reloaded.get(CUID_A)).toEqual(spec(CUID_A, '2026-01-01T00:00:00Z'));
    expect(reloaded.sorted().map((s) => s.cuid)).toEqual([CUID_A, CUID_B]);
  });

  it('saves an update atomically, leaving no temp file', async () => {
    const store = storeOn(root);
    await store.load();
    await store.create(spec(CUID_A, '2026-01-01T00:00:00Z'));
    await store.save({ ...spec(CUID_A, '2026-01-01T00:00:00Z'), tags: ['u'] });
    expect(store.get(CUID_A)?.tags).toEqual(['u']);
    expect((await fs.readdir(path.join(root, CUID_A))).sort()).toEqual(['app', 'compose.yaml']);
  });

  it('at load, removes a directory an interrupted create left without compose.yaml, a stray temp file, and ignores non-cuid names', async () => {
    await fs.mkdir(path.join(root, CUID_A, 'app'), { recursive: true });
    await fs.mkdir(path.join(root, 'not-a-project'));
    const store = storeOn(root);
    await store.load();
    await store.create(spec(CUID_B, '2026-01-01T00:00:00Z'));
    await fs.writeFile(path.join(root, CUID_B, 'compose.yaml.tmp-abcd'), 'partial');

    const reloaded = storeOn(root);
    await reloaded.load();
    expect(reloaded.all().map((s) => s.cuid)).toEqual([CUID_B]);
    expect(await fs.readdir(path.join(root, CUID_B))).not.toContain('compose.yaml.tmp-abcd');
    expect(await fs.readdir(root)).toContain('not-a-project');
    await expect(fs.stat(path.join(root, CUID_A))).rejects.toThrow();
  });

  it('fails a create that cannot write with 500 PROJECT_WRITE_FAILED and leaves nothing behind', async () => {
    const store = storeOn(root);
    await store.load();
    await store.create(spec(CUID_A, '2026-01-01T00:00:00Z'));
    const again = store.create(spec(CUID_A, '2026-01-01T00:00:00Z'));
    await expect(again).rejects.toBeInstanceOf(IoError);
    await expect(again).rejects.toEqual(
      expect.objectContaining({ code: 'PROJECT_WRITE_FAILED', details: { errno: 'EEXIST' } }),
    );
  });

  it('removes a project so it never loads again', async () => {
    const store = storeOn(root);
    await store.load();
    await store.create(spec(CUID_A, '2026-01-01T00:00:00Z'));
    await store.remove(CUID_A);
    expect(store.get(CUID_A)).toBeUndefined();
    const reloaded = storeOn(root);
    await reloaded.load();
    expect(reloaded.all()).toEqual([]);
  });
});
