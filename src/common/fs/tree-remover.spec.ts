import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chainDepth, plantHostileTree } from '../../../test/support/hostile-tree';
import { TreeRemover } from './tree-remover';

// Medium test: the real filesystem, with the trees a container can build.
// Planting and removing 2,000+ levels takes seconds on a loaded two-core machine.
jest.setTimeout(60_000);

describe('TreeRemover', () => {
  const remover = new TreeRemover();
  let work: string;
  let canary: string;

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-remover-'));
    canary = path.join(work, 'canary');
    mkdirSync(canary);
    writeFileSync(path.join(canary, 'keep.txt'), 'keep');
  });
  // A test that failed half-way leaves a tree deeper than PATH_MAX, which rmSync cannot remove.
  afterEach(() => new TreeRemover().remove(work));

  it('removes a chain deeper than PATH_MAX with locked dirs, symlinks, a FIFO and odd names, following no link', async () => {
    const target = path.join(work, '.deleting-x');
    mkdirSync(target);
    plantHostileTree(target, { depth: 2_100, canary, many: 2_000 });
    expect(chainDepth(target) * 2).toBeGreaterThan(4096);

    await remover.remove(target);

    expect(existsSync(target)).toBe(false);
    expect(readFileSync(path.join(canary, 'keep.txt'), 'utf8')).toBe('keep');
    expect(readdirSync(work).sort()).toEqual(['canary']);
  });

  it('holds a few descriptors however deep the tree is', async () => {
    const target = path.join(work, 'deep');
    mkdirSync(target);
    plantHostileTree(target, { depth: 3_000, canary });
    const baseline = readdirSync('/proc/self/fd').length;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, readdirSync('/proc/self/fd').length)), 1);
    try {
      await remover.remove(target);
    } finally {
      clearInterval(sampler);
    }
    expect(existsSync(target)).toBe(false);
    expect(peak - baseline).toBeLessThanOrEqual(8);
  });

  it('removes a single file, and treats a missing target as removed', async () => {
    const file = path.join(work, 'file');
    writeFileSync(file, 'x');
    await remover.remove(file);
    await remover.remove(path.join(work, 'missing'));
    expect(existsSync(file)).toBe(false);
  });

  it('removes a symlink target as a link, leaving what it points to', async () => {
    const link = path.join(work, 'link');
    symlinkSync(canary, link);
    await remover.remove(link);
    expect(existsSync(path.join(canary, 'keep.txt'))).toBe(true);
  });
});
