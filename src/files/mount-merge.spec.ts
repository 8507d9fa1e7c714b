import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppError } from '../common/errors/app-error';
import { MountDir, MountFs } from './mount-fs';
import { MountMerger } from './mount-merge';

/** Lists a tree as "path:content" / "path/" / "path->target", to compare whole mounts before and after. */
function snapshot(dir: string): string[] {
  return execFileSync('find', [dir, '-mindepth', '1', '-printf', '%P %y %l\\n'], { encoding: 'utf8' })
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [rel = '', type] = line.split(' ');
      return type === 'f' ? `${rel}:${readFileSync(path.join(dir, rel), 'utf8')}` : line;
    })
    .sort();
}

describe('MountMerger', () => {
  const fs = new MountFs();
  const merger = new MountMerger(fs);
  let work: string;
  let app: string;
  let staging: string;
  let root: MountDir;

  const put = (base: string, rel: string, content = rel): void => {
    mkdirSync(path.dirname(path.join(base, rel)), { recursive: true });
    writeFileSync(path.join(base, rel), content);
  };

  beforeEach(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-merge-'));
    app = path.join(work, 'app');
    staging = path.join(work, 'staging');
    mkdirSync(app);
    mkdirSync(staging);
    put(app, 'keep.txt', 'old keep');
    put(app, 'boot.py', 'old boot');
    put(app, 'data/old.json', 'old data');
    root = await fs.openRoot(app);
  });
  afterEach(async () => {
    await root.close();
    rmSync(work, { recursive: true, force: true });
  });

  const codeOf = async (p: Promise<unknown>): Promise<string> =>
    p.then(
      () => 'ok',
      (err: unknown) => (err instanceof AppError ? `${err.status} ${err.code}` : String(err)),
    );

  it('overwrites files, merges into existing directories, moves new subtrees and keeps the rest', async () => {
    put(staging, 'boot.py', 'new boot');
    put(staging, 'data/new.json', 'new data');
    put(staging, 'lib/pkg/mod.py', 'module');
    await merger.merge(staging, root, []);
    expect(snapshot(app)).toEqual([
      'boot.py:new boot',
      'data d ',
      'data/new.json:new data',
      'data/old.json:old data',
      'keep.txt:old keep',
      'lib d ',
      'lib/pkg d ',
      'lib/pkg/mod.py:module',
    ]);
  });

  it('replaces a symlink with an uploaded file instead of writing through it', async () => {
    const outside = path.join(work, 'outside.txt');
    writeFileSync(outside, 'host');
    symlinkSync(outside, path.join(app, 'link.txt'));
    put(staging, 'link.txt', 'uploaded');
    await merger.merge(staging, root, []);
    expect(readFileSync(outside, 'utf8')).toBe('host');
    expect(readFileSync(path.join(app, 'link.txt'), 'utf8')).toBe('uploaded');
  });

  it.each([
    ['a directory over a file', 'boot.py/x.txt', '400 ZIP_PATH_CLASH'],
    ['a file over a directory', 'data', '400 ZIP_PATH_CLASH'],
    ['a directory through a symlink', 'evil/x.txt', '403 PATH_OUTSIDE_MOUNT'],
  ])('refuses %s and leaves the mount exactly as it was', async (_what, rel, expected) => {
    symlinkSync(work, path.join(app, 'evil'));
    put(staging, 'aaa-first.txt', 'would be moved first');
    put(staging, rel, 'bad');
    const before = snapshot(app);
    expect(await codeOf(merger.merge(staging, root, []))).toBe(expected);
    expect(snapshot(app)).toEqual(before);
    expect(snapshot(work).some((l) => l.startsWith('x.txt'))).toBe(false);
  });

  it.each([
    [['boot.py'], '400 NOT_A_DIRECTORY'],
    [['evil'], '403 PATH_OUTSIDE_MOUNT'],
    [['evil', 'deeper'], '403 PATH_OUTSIDE_MOUNT'],
  ])('refuses the target %j', async (target, expected) => {
    symlinkSync('/', path.join(app, 'evil'));
    put(staging, [...target, 'x.txt'].join('/'), 'x');
    expect(await codeOf(merger.merge(staging, root, target))).toBe(expected);
  });
});
