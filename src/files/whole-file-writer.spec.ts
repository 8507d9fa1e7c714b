import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { AppError } from '../common/errors/app-error';
import { WholeFileWriter } from './whole-file-writer';

describe('WholeFileWriter', () => {
  const writer = new WholeFileWriter();
  let work: string;
  const owner = { uid: 1000, gid: 1001 };

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-writer-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));
  afterAll(() => writer.onModuleDestroy());

  it('creates the file with its bytes, mode, owner and time', async () => {
    const target = path.join(work, 'a.py');
    const modified = new Date('2024-02-03T04:05:06Z');
    // A view into a larger buffer: only the view's bytes are written.
    const slab = Buffer.from('xxhello worldyy');
    await writer.write(target, slab.subarray(2, 13), { mode: 0o751, owner, modified });
    const st = statSync(target);
    expect(readFileSync(target, 'utf8')).toBe('hello world');
    expect(st.mode & 0o7777).toBe(0o751);
    expect([st.uid, st.gid]).toEqual([1000, 1001]);
    expect(st.mtime.getTime()).toBe(modified.getTime());
  });

  it('writes an empty file, and leaves the time alone without one', async () => {
    const target = path.join(work, 'empty');
    const before = Date.now();
    await writer.write(target, Buffer.alloc(0), { mode: 0o644, owner, modified: null });
    expect(statSync(target).size).toBe(0);
    expect(statSync(target).mtime.getTime()).toBeGreaterThanOrEqual(before - 1000);
  });

  it('never replaces what exists, and never follows a symlink, with the step and errno as its reason', async () => {
    const existing = path.join(work, 'existing');
    writeFileSync(existing, 'keep');
    const link = path.join(work, 'link');
    symlinkSync(path.join(work, 'elsewhere'), link);
    for (const target of [existing, link]) {
      const err = await writer
        .write(target, Buffer.from('new'), { mode: 0o644, owner, modified: null })
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe('FILE_IO_FAILED');
      expect((err as AppError).details).toEqual({ op: 'open', reason: 'EEXIST' });
      expect(JSON.stringify((err as AppError).details)).not.toContain(work);
    }
    expect(readFileSync(existing, 'utf8')).toBe('keep');
    expect(() => statSync(path.join(work, 'elsewhere'))).toThrow();
  });

  it('answers many writes at once, each its own', async () => {
    const names = Array.from({ length: 300 }, (_, i) => `f${i}`);
    await Promise.all(
      names.map((name) =>
        writer.write(path.join(work, name), Buffer.from(name), { mode: 0o644, owner, modified: null }),
      ),
    );
    for (const name of names) expect(readFileSync(path.join(work, name), 'utf8')).toBe(name);
  });

  it('never leaves a write hanging when its worker is stopped, and starts a new one for the next write', async () => {
    const target = path.join(work, 'x');
    const held = writer.write(target, Buffer.alloc(1 << 20, 1), { mode: 0o644, owner, modified: null });
    await writer.onModuleDestroy();
    // Stopped before or after it ran: either the whole file is there, or the write failed as an io error.
    const outcome = await held.then(
      () => statSync(target).size,
      (err: unknown) => (err instanceof AppError ? err.code : String(err)),
    );
    expect([1 << 20, 'FILE_IO_FAILED']).toContain(outcome);
    await writer.write(path.join(work, 'y'), Buffer.from('y'), { mode: 0o644, owner, modified: null });
    expect(readFileSync(path.join(work, 'y'), 'utf8')).toBe('y');
  });
});
