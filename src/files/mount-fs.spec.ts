import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppError } from '../common/errors/app-error';
import { MountDir, MountFs } from './mount-fs';

/** Runs against a real directory: the point of MountFs is what the kernel does with symlinks. */
describe('MountFs', () => {
  const fs = new MountFs();
  let work: string;
  let app: string;
  let root: MountDir;

  beforeEach(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-mount-'));
    app = path.join(work, 'app');
    mkdirSync(path.join(app, 'data'), { recursive: true });
    writeFileSync(path.join(app, 'data', 'config.json'), '{}');
    writeFileSync(path.join(work, 'secret'), 'host secret');
    symlinkSync('/etc', path.join(app, 'etc-link'));
    symlinkSync('/', path.join(app, 'root-link'));
    symlinkSync(path.join(work, 'secret'), path.join(app, 'secret-link'));
    symlinkSync('data', path.join(app, 'inner-link'));
    execFileSync('mkfifo', [path.join(app, 'fifo')]);
    root = await fs.openRoot(app);
  });
  afterEach(async () => {
    await root.close();
    rmSync(work, { recursive: true, force: true });
  });

  const codeOf = async (p: Promise<unknown>): Promise<string> => {
    try {
      const value = await p;
      if (value instanceof MountDir) await value.close();
      return 'ok';
    } catch (err) {
      return err instanceof AppError ? `${err.status} ${err.code}` : String(err);
    }
  };

  it('walks real directories and opens regular files', async () => {
    const dir = await fs.walk(root, ['data']);
    const { handle, stats } = await fs.openFile(dir, 'config.json');
    expect(stats.size).toBe(2);
    await handle.close();
    await dir.close();
  });

  it.each([['etc-link'], ['root-link'], ['inner-link']])('refuses to traverse the symlink %s', async (name) => {
    expect(await codeOf(fs.walk(root, [name]))).toBe('403 PATH_OUTSIDE_MOUNT');
    expect(await codeOf(fs.walk(root, [name, 'passwd']))).toBe('403 PATH_OUTSIDE_MOUNT');
  });

  it('refuses to open a file through a symlink, even one pointing at a host file', async () => {
    expect(await codeOf(fs.openFile(root, 'secret-link'))).toBe('403 PATH_OUTSIDE_MOUNT');
    expect(await codeOf(fs.openFile(root, 'etc-link'))).toBe('403 PATH_OUTSIDE_MOUNT');
  });

  it('classifies missing paths, files used as directories, directories and FIFOs used as files', async () => {
    expect(await codeOf(fs.walk(root, ['nope']))).toBe('404 PATH_NOT_FOUND');
    expect(await codeOf(fs.walk(root, ['data', 'config.json']))).toBe('400 NOT_A_DIRECTORY');
    expect(await codeOf(fs.openFile(root, 'data'))).toBe('400 NOT_A_FILE');
    // Opening a FIFO must not wait for a writer: O_NONBLOCK, then refused as not a file.
    expect(await codeOf(fs.openFile(root, 'fifo'))).toBe('400 NOT_A_FILE');
  });

  it('closes the directories it opened on the way, even when the walk fails', async () => {
    const before = readdirSync('/proc/self/fd').length;
    for (let i = 0; i < 50; i += 1) {
      await codeOf(fs.walk(root, ['data', 'config.json', 'x']));
      await codeOf(fs.walk(root, ['data', 'missing']));
    }
    expect(readdirSync('/proc/self/fd').length).toBeLessThanOrEqual(before);
  });
});
