import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { ZipArchive } from './zip-archive';
import { ZipWriter } from './zip-writer';

const MODIFIED = new Date(2026, 10, 28, 12, 34, 56);
const MiB = 1024 * 1024;

// Medium test: real files in, a real zip out, checked by Info-ZIP's `unzip` and by the upload's own reader.
describe('ZipWriter', () => {
  let work: string;
  beforeEach(() => (work = mkdtempSync(path.join(tmpdir(), 'cm-zipwriter-'))));
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  async function zipOf(files: Record<string, Buffer>, build?: (zip: ZipWriter) => Promise<void>): Promise<string> {
    const target = path.join(work, 'out.zip');
    const out = createWriteStream(target);
    const zip = new ZipWriter(out, new AbortController().signal);
    await zip.directory({ name: 'd', mode: 0o750, modified: MODIFIED });
    for (const [name, data] of Object.entries(files)) {
      const source = path.join(work, `source-${Object.keys(files).indexOf(name)}`);
      writeFileSync(source, data);
      const handle = await open(source, 'r');
      try {
        await zip.file(
          { name: `d/${name}`, mode: name.endsWith('.sh') ? 0o755 : 0o644, modified: MODIFIED },
          handle,
          data.length,
        );
      } finally {
        await handle.close();
      }
    }
    await build?.(zip);
    await zip.finish();
    out.end();
    await finished(out);
    return target;
  }

  async function methodsIn(zip: string): Promise<Map<string | null, number>> {
    const archive = await ZipArchive.open(zip, 100);
    try {
      return new Map(archive.records.map((r) => [r.name, r.method]));
    } finally {
      await archive.close();
    }
  }

  const text = (bytes: number): Buffer =>
    Buffer.from('def handler(event):\n    return event\n'.repeat(bytes / 37 + 1)).subarray(0, bytes);

  it('writes a standard zip: unzip -t accepts it and extracts every byte, mode and time', async () => {
    const files = {
      empty: Buffer.alloc(0),
      'small.py': text(5000),
      'run.sh': Buffer.from('#!/bin/sh\necho hi\n'),
      // Several pieces, the last one short: sync-flushed pieces end in one final block.
      'big.txt': text(3 * MiB + 12345),
      // Exactly two pieces: the last piece is full.
      'even.txt': text(2 * MiB),
      // Incompressible: stored whole when small, as stored deflate blocks when big.
      'noise.bin': randomBytes(200 * 1024),
      'noise-big.bin': randomBytes(3 * MiB + 7),
      'photo.jpg': randomBytes(2 * MiB + 1),
      'naïve ファイル.txt': Buffer.from('unicode'),
    };
    const zip = await zipOf(files);
    execFileSync('unzip', ['-tq', zip]);
    const out = path.join(work, 'x');
    execFileSync('unzip', ['-q', zip, '-d', out]);
    for (const [name, data] of Object.entries(files))
      expect(readFileSync(path.join(out, 'd', name)).equals(data)).toBe(true);
    expect(statSync(path.join(out, 'd')).mode & 0o777).toBe(0o750);
    expect(statSync(path.join(out, 'd/run.sh')).mode & 0o777).toBe(0o755);
    expect(statSync(path.join(out, 'd/big.txt')).mtime.getTime()).toBe(MODIFIED.getTime());

    const methods = await methodsIn(zip);
    expect(methods.get('d/big.txt')).toBe(8);
    expect(methods.get('d/small.py')).toBe(8);
    expect(methods.get('d/noise.bin')).toBe(0);
    expect(methods.get('d/photo.jpg')).toBe(0);
    // Text deflates well although it is deflated in independent pieces.
    expect(statSync(zip).size).toBeLessThan(200 * 1024 + 2 * 3 * MiB + 2 * MiB);
  });

  it('the upload reads it back entry for entry (the central directory agrees with the local records)', async () => {
    const zip = await zipOf({ 'a.txt': text(1500), 'b.txt': text(2 * MiB + 3) });
    const archive = await ZipArchive.open(zip, 100);
    try {
      expect(archive.records.map((r) => [r.name, r.uncompressedSize, r.method])).toEqual([
        ['d/', 0, 0],
        ['d/a.txt', 1500, 8],
        ['d/b.txt', 2 * MiB + 3, 8],
      ]);
      expect(() => archive.assertNoOverlap()).not.toThrow();
    } finally {
      await archive.close();
    }
  });

  it('sends the output of many small files in writes of 64 KiB or more, as one valid zip', async () => {
    const sizes: number[] = [];
    const target = path.join(work, 'small-files.zip');
    const file = createWriteStream(target);
    const out = new Writable({
      write(chunk: Buffer, _encoding, done) {
        sizes.push(chunk.length);
        file.write(chunk, done);
      },
    });
    const zip = new ZipWriter(out, new AbortController().signal);
    const files = Array.from({ length: 400 }, (_, i) => randomBytes(200 + i));
    for (const [i, data] of files.entries()) {
      const source = path.join(work, `s${i}`);
      writeFileSync(source, data);
      const handle = await open(source, 'r');
      try {
        await zip.file({ name: `f${i}.bin`, mode: 0o644, modified: MODIFIED }, handle, data.length);
      } finally {
        await handle.close();
      }
    }
    await zip.finish();
    await new Promise<void>((resolve) => out.end(resolve));
    await new Promise<void>((resolve) => file.end(resolve));
    // About 160 KB of entries and 20 KB of directory: a few writes, all but the last of 64 KiB or more.
    expect(sizes.length).toBeLessThanOrEqual(4);
    expect(sizes.slice(0, -1).every((size) => size >= 64 * 1024)).toBe(true);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(statSync(target).size);
    execFileSync('unzip', ['-tq', target]);
    const extracted = path.join(work, 'small-out');
    execFileSync('unzip', ['-q', target, '-d', extracted]);
    files.forEach((data, i) => expect(readFileSync(path.join(extracted, `f${i}.bin`)).equals(data)).toBe(true));
  });

  it('switches to zip64 end records past 65,535 entries', async () => {
    const zip = await zipOf({}, async (writer) => {
      for (let i = 0; i < 70_000; i += 1) await writer.directory({ name: `d/${i}`, mode: 0o755, modified: MODIFIED });
    });
    const report = execFileSync('unzip', ['-tq', zip]).toString();
    expect(report).toContain('No errors');
    expect(execFileSync('zipinfo', ['-t', zip]).toString()).toMatch(/^70001 files/);
  }, 60_000);

  it('gives up when its signal aborts, without writing on', async () => {
    const abort = new AbortController();
    const out = createWriteStream(path.join(work, 'cut.zip'));
    const zip = new ZipWriter(out, abort.signal);
    abort.abort();
    await expect(zip.directory({ name: 'x', mode: 0o755, modified: MODIFIED })).resolves.toBeUndefined();
    await expect(zip.finish()).rejects.toThrow();
    out.end();
    await finished(out);
    expect(statSync(path.join(work, 'cut.zip')).size).toBe(0);
  });
});
