import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, linkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { TreeMeter } from './tree-meter';

describe('TreeMeter (real filesystem)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'cm-meter-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const bounds = { maxEntries: 1000, maxDepth: 10 };

  it('counts allocated bytes of files and directories, hard links once, never following symlinks', async () => {
    mkdirSync(path.join(root, 'd'));
    writeFileSync(path.join(root, 'd', 'one.bin'), Buffer.alloc(1024 * 1024, 1));
    linkSync(path.join(root, 'd', 'one.bin'), path.join(root, 'two.bin'));
    symlinkSync('/usr', path.join(root, 'usr'));
    const size = await new TreeMeter().measure(root, bounds);
    expect(size.complete).toBe(true);
    expect(size.bytes).toBeGreaterThanOrEqual(1024 * 1024);
    expect(size.bytes).toBeLessThan(1.5 * 1024 * 1024);
  });

  it('stops at the depth and entry bounds and says the figure is a lower bound', async () => {
    let dir = root;
    for (let i = 0; i < 20; i += 1) mkdirSync((dir = path.join(dir, 'a')));
    expect((await new TreeMeter().measure(root, bounds)).complete).toBe(false);
    for (let i = 0; i < 30; i += 1) writeFileSync(path.join(root, `f${i}`), 'x');
    expect((await new TreeMeter().measure(root, { maxEntries: 10, maxDepth: 100 })).complete).toBe(false);
  });

  it('a root that is a symlink is not followed', async () => {
    symlinkSync('/usr', path.join(root, 'link'));
    expect(await new TreeMeter().measure(path.join(root, 'link'), bounds)).toEqual({ bytes: 0, complete: false });
  });
});
