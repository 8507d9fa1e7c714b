import { AppError } from '../common/errors/app-error';
import { EntryTree, PathLimits } from './zip-entry-tree';

const LIMITS: PathLimits = { maxEntries: 1000, maxPathDepth: 64, maxPathBytes: 1024 };

function codeOf(work: () => unknown): string {
  try {
    work();
  } catch (err) {
    if (err instanceof AppError) return err.code;
    throw err;
  }
  return 'OK';
}

const split = (name: string): string[] => name.replace(/\/$/, '').split('/');

describe('EntryTree', () => {
  it('lists implied and explicit directories once, parents before children, under the target path', () => {
    const tree = new EntryTree(LIMITS, ['t']);
    tree.add(split('a/b/c.txt'), 'file', 'a/b/c.txt');
    tree.add(split('a/b/'), 'directory', 'a/b/');
    tree.add(split('a/d/'), 'directory', 'a/d/');
    expect(tree.directories.map((d) => d.segments.join('/'))).toEqual(['t', 't/a', 't/a/b', 't/a/d']);
  });

  it('counts the directories a name implies against the entry limit', () => {
    const tree = new EntryTree({ ...LIMITS, maxEntries: 10 }, []);
    // 9 directories and the file: exactly the limit.
    expect(codeOf(() => tree.add(split('1/2/3/4/5/6/7/8/9/f'), 'file', 'x'))).toBe('OK');
    expect(codeOf(() => tree.add(split('1/2/3/4/5/6/7/8/9/g'), 'file', 'x'))).toBe('ZIP_TOO_MANY_ENTRIES');
  });

  it('does not count the target path, nor a directory listed again', () => {
    const tree = new EntryTree({ ...LIMITS, maxEntries: 2 }, ['deep', 'target']);
    tree.add(['a'], 'directory', 'a/');
    tree.add(['a'], 'directory', 'a/');
    expect(codeOf(() => tree.add(['a', 'f'], 'file', 'a/f'))).toBe('OK');
  });

  it('bounds the depth and the bytes of the whole path, target path included', () => {
    const deep = Array.from({ length: 63 }, () => 'a');
    expect(codeOf(() => new EntryTree(LIMITS, ['t']).add(deep, 'file', 'x'))).toBe('OK');
    expect(codeOf(() => new EntryTree(LIMITS, ['t', 'u']).add(deep, 'file', 'x'))).toBe('ZIP_PATH_TOO_DEEP');
    const long = ['x'.repeat(200), 'y'.repeat(200), 'z'.repeat(200), 'w'.repeat(200), 'v'.repeat(200), 'f'.repeat(19)];
    expect(Buffer.byteLength(long.join('/'))).toBe(1024);
    expect(codeOf(() => new EntryTree(LIMITS, []).add(long, 'file', 'x'))).toBe('OK');
    expect(codeOf(() => new EntryTree(LIMITS, ['t']).add(long, 'file', 'x'))).toBe('ZIP_NAME_TOO_LONG');
    // Multi-byte names are measured in bytes, as the filesystem does.
    expect(codeOf(() => new EntryTree(LIMITS, []).add(['é'.repeat(513)], 'file', 'x'))).toBe('ZIP_NAME_TOO_LONG');
  });

  it('refuses a name that is both file and directory, or a file twice', () => {
    const clash = (first: string, second: string): string => {
      const tree = new EntryTree(LIMITS, []);
      tree.add(split(first), first.endsWith('/') ? 'directory' : 'file', first);
      return codeOf(() => tree.add(split(second), second.endsWith('/') ? 'directory' : 'file', second));
    };
    expect(clash('a', 'a')).toBe('ZIP_PATH_CLASH');
    expect(clash('a', 'a/')).toBe('ZIP_PATH_CLASH');
    expect(clash('a/', 'a')).toBe('ZIP_PATH_CLASH');
    expect(clash('a', 'a/b')).toBe('ZIP_PATH_CLASH');
    expect(clash('a/b', 'a')).toBe('ZIP_PATH_CLASH');
    expect(clash('a/', 'a/')).toBe('OK');
  });

  it('holds a thousand deep names sharing one chain without copying the chain per entry', () => {
    const tree = new EntryTree({ ...LIMITS, maxEntries: 100_000 }, []);
    const chain = Array.from({ length: 62 }, () => 'a');
    for (let i = 0; i < 1000; i += 1) tree.add([...chain, `f${i}`], 'file', 'x');
    // One node per directory of the shared chain, not one per entry and level.
    expect(tree.directories).toHaveLength(62);
  });
});
