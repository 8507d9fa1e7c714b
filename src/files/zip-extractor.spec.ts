import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { buildZip, FixtureEntry } from '../../test/support/zip-fixtures';
import { AppError } from '../common/errors/app-error';
import { ZipExtractor } from './zip-extractor';
import { UploadLimits } from './zip-limits';

/** Rewrites a built zip's end into the zip64 form (end record, locator, saturated classic end record). */
function withZip64End(zip: Buffer, declaredEntries?: bigint): Buffer {
  const endAt = zip.length - 22;
  const entries = BigInt(zip.readUInt16LE(endAt + 10));
  const cdSize = BigInt(zip.readUInt32LE(endAt + 12));
  const cdOffset = BigInt(zip.readUInt32LE(endAt + 16));
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeBigUInt64LE(44n, 4);
  end64.writeUInt16LE(45, 12);
  end64.writeUInt16LE(45, 14);
  end64.writeBigUInt64LE(declaredEntries ?? entries, 24);
  end64.writeBigUInt64LE(declaredEntries ?? entries, 32);
  end64.writeBigUInt64LE(cdSize, 40);
  end64.writeBigUInt64LE(cdOffset, 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(endAt), 8);
  locator.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  return Buffer.concat([zip.subarray(0, endAt), end64, locator, end]);
}

const LIMITS: UploadLimits = { maxBytes: 1 << 30, maxUncompressedBytes: 64 << 20, maxEntries: 1000, maxRatio: 100 };
const OWNER = { uid: 1000, gid: 1000 };

describe('ZipExtractor', () => {
  let work: string;
  const extractor = new ZipExtractor();

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-zip-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const writeZip = (zip: Buffer): string => {
    const file = path.join(work, 'upload.zip');
    writeFileSync(file, zip);
    return file;
  };
  const tree = (): string => path.join(work, 'tree');
  const extract = (zip: Buffer, limits: Partial<UploadLimits> = {}, prefix: string[] = []) => {
    rmSync(tree(), { recursive: true, force: true });
    return extractor.extract(writeZip(zip), tree(), prefix, { ...LIMITS, ...limits }, OWNER);
  };
  const failure = async (
    zip: Buffer,
    limits: Partial<UploadLimits> = {},
  ): Promise<{ code: string; status: number }> => {
    try {
      await extract(zip, limits);
    } catch (err) {
      if (err instanceof AppError) return { code: err.code, status: err.status };
      throw err;
    }
    throw new Error('extraction unexpectedly succeeded');
  };
  const entries = (...list: FixtureEntry[]): Buffer => buildZip(list);

  describe('valid archives', () => {
    it('extracts deflated and stored entries, implicit directories, modes and ownership', async () => {
      const result = await extract(
        entries(
          { name: 'boot.py', data: 'print("hi")\n' },
          { name: 'run.sh', data: '#!/bin/sh\n', method: 0, unixMode: 0o104755 },
          { name: 'data/deep/config.json', data: '{"a":1}' },
          { name: 'empty/', unixMode: 0o40700 },
        ),
      );
      expect(result).toEqual({ files: 3, bytes: 12 + 10 + 7 });
      expect(readFileSync(path.join(tree(), 'data/deep/config.json'), 'utf8')).toBe('{"a":1}');
      const mode = (p: string): number => statSync(path.join(tree(), p)).mode & 0o7777;
      expect(mode('boot.py')).toBe(0o644);
      expect(mode('run.sh')).toBe(0o755); // setuid stripped
      expect(mode('data')).toBe(0o755);
      expect(mode('empty')).toBe(0o755);
      const st = statSync(path.join(tree(), 'data/deep/config.json'));
      expect([st.uid, st.gid]).toEqual([1000, 1000]);
      expect(statSync(path.join(tree(), 'empty')).uid).toBe(1000);
    });

    it('extracts entries written with data descriptors (zero sizes in the local headers)', async () => {
      const big = Buffer.alloc(300_000, 'abcdefgh');
      await extract(
        entries(
          { name: 'a.bin', data: big, dataDescriptor: true },
          { name: 'b.txt', data: 'stored', method: 0, dataDescriptor: true },
        ),
      );
      expect(readFileSync(path.join(tree(), 'a.bin')).equals(big)).toBe(true);
      expect(readFileSync(path.join(tree(), 'b.txt'), 'utf8')).toBe('stored');
    });

    it('extracts a streamed Info-ZIP archive (zip writing to a pipe uses data descriptors)', async () => {
      const src = path.join(work, 'src');
      mkdirSync(path.join(src, 'sub'), { recursive: true });
      writeFileSync(path.join(src, 'sub', 'x.txt'), 'x'.repeat(5000));
      writeFileSync(path.join(src, 'y.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251)));
      const zip = execFileSync('sh', ['-c', 'cd "$1" && zip -q -r - . | cat', 'sh', src]);
      const result = await extract(zip);
      expect(result.files).toBe(2);
      expect(readFileSync(path.join(tree(), 'sub/x.txt'), 'utf8')).toBe('x'.repeat(5000));
      expect(readFileSync(path.join(tree(), 'y.bin')).equals(readFileSync(path.join(src, 'y.bin')))).toBe(true);
    });

    it('places everything under the target prefix', async () => {
      await extract(entries({ name: 'a.txt', data: 'a' }), {}, ['deploy', 'v1']);
      expect(readFileSync(path.join(tree(), 'deploy/v1/a.txt'), 'utf8')).toBe('a');
    });

    it('reads the entry count and directory from a zip64 end record', async () => {
      const result = await extract(
        withZip64End(entries({ name: 'a.txt', data: 'a' }, { name: 'b/c.txt', data: 'bc' })),
      );
      expect(result).toEqual({ files: 2, bytes: 3 });
      expect(readFileSync(path.join(tree(), 'b/c.txt'), 'utf8')).toBe('bc');
    });

    it('accepts an empty archive', async () => {
      expect(await extract(entries())).toEqual({ files: 0, bytes: 0 });
    });
  });

  describe('hostile names and types', () => {
    it.each([
      ['../evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['a/../../evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['../app2/x', 'ZIP_UNSAFE_ENTRY'],
      ['/etc/cron.d/x', 'ZIP_UNSAFE_ENTRY'],
      ['..\\evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['a\\b.txt', 'ZIP_UNSAFE_ENTRY'],
      ['C:/windows/x', 'ZIP_UNSAFE_ENTRY'],
      ['c:evil', 'ZIP_UNSAFE_ENTRY'],
      ['a\u0000.txt', 'ZIP_UNSAFE_ENTRY'],
      ['./a.txt', 'ZIP_UNSAFE_ENTRY'],
      ['a//b', 'ZIP_UNSAFE_ENTRY'],
      [`${'n'.repeat(256)}.txt`, 'ZIP_NAME_TOO_LONG'],
      [`${'d'.repeat(200)}/`.repeat(20) + 'x', 'ZIP_NAME_TOO_LONG'],
    ])('refuses %p with %s before writing anything', async (name, code) => {
      const zip = entries({ name: 'fine.txt', data: 'ok' }, { name, data: 'bad' });
      expect(await failure(zip)).toEqual({ code, status: 400 });
      expect(readdirSync(work)).toEqual(['upload.zip']);
    });

    it('refuses names that are not UTF-8', async () => {
      expect(await failure(entries({ name: Buffer.from([0x61, 0xff, 0xfe]), data: 'x' }))).toEqual({
        code: 'ZIP_UNSAFE_ENTRY',
        status: 400,
      });
    });

    it('refuses symlink entries (external attributes 0xA1FF << 16)', async () => {
      const zip = entries({ name: 'link', data: '/etc/passwd', symlink: true });
      expect(await failure(zip)).toEqual({ code: 'ZIP_SYMLINK_ENTRY', status: 400 });
    });

    it('refuses device and FIFO entries', async () => {
      expect((await failure(entries({ name: 'fifo', unixMode: 0o10644 }))).code).toBe('ZIP_UNSAFE_ENTRY');
    });

    it.each([
      [
        [
          { name: 'a', data: '1' },
          { name: 'a', data: '2' },
        ],
      ],
      [
        [
          { name: 'a', data: '1' },
          { name: 'a/b', data: '2' },
        ],
      ],
      [
        [
          { name: 'a/b', data: '1' },
          { name: 'a', data: '2' },
        ],
      ],
      [[{ name: 'a/' }, { name: 'a', data: '2' }]],
    ] as FixtureEntry[][][])('refuses a file/directory clash inside the archive: %j', async (list) => {
      expect(await failure(buildZip(list))).toEqual({ code: 'ZIP_PATH_CLASH', status: 400 });
    });

    it('refuses encrypted entries and unsupported compression methods', async () => {
      expect((await failure(entries({ name: 'x', data: 'x', method: 0, flags: 1 }))).code).toBe('ZIP_ENCRYPTED');
      expect((await failure(entries({ name: 'x', data: 'x', method: 12 }))).code).toBe('ZIP_UNSUPPORTED_METHOD');
    });
  });

  describe('bombs and limits', () => {
    const zeros = Buffer.alloc(8 << 20);

    it('refuses more entries than allowed, from the end record', async () => {
      const list = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
      expect(await failure(buildZip(list), { maxEntries: 10 })).toEqual({ code: 'ZIP_TOO_MANY_ENTRIES', status: 413 });
    });

    it('refuses a huge zip64 entry count before anything is allocated per entry', async () => {
      const zip = withZip64End(entries({ name: 'a', data: 'a' }), 100_000_000n);
      expect(await failure(zip)).toEqual({ code: 'ZIP_TOO_MANY_ENTRIES', status: 413 });
    });

    it('refuses an archive whose declared total exceeds the limit', async () => {
      expect(
        await failure(entries({ name: 'z', data: zeros }), { maxUncompressedBytes: 1 << 20, maxRatio: 10_000 }),
      ).toEqual({
        code: 'ZIP_TOO_LARGE',
        status: 413,
      });
    });

    it('refuses an entry whose declared ratio exceeds the limit', async () => {
      expect(await failure(entries({ name: 'z', data: zeros }))).toEqual({ code: 'ZIP_RATIO_EXCEEDED', status: 413 });
    });

    it('catches a bomb that lies about its size while streaming, and writes no more than declared', async () => {
      const zip = entries({ name: 'z', data: zeros, declaredSize: 100 });
      expect(await failure(zip, { maxRatio: 10_000, maxUncompressedBytes: 4 << 20 })).toEqual({
        code: 'ZIP_TOO_LARGE',
        status: 413,
      });
      expect(await failure(zip)).toEqual({ code: 'ZIP_RATIO_EXCEEDED', status: 413 });
    });

    it('reports an entry larger than declared but within limits as corrupt', async () => {
      const zip = entries({ name: 'z', data: 'x'.repeat(1000), declaredSize: 10 });
      expect(await failure(zip)).toEqual({ code: 'ZIP_CORRUPT', status: 400 });
    });

    it('refuses overlapping entries (one compressed kernel referenced many times)', async () => {
      const list: FixtureEntry[] = [
        { name: 'k', data: 'kernel' },
        ...Array.from({ length: 5 }, (_, i) => ({ name: `o${i}`, data: 'kernel', localOffsetOf: 0 })),
      ];
      expect((await failure(buildZip(list))).code).toBe('ZIP_CORRUPT');
    });
  });

  describe('truncated and corrupt archives', () => {
    const good = (): Buffer =>
      entries({ name: 'a.txt', data: 'hello world '.repeat(100) }, { name: 'b.txt', data: 'second' });

    it.each([0, 10, 21, 0.25, 0.5, 0.75, -23, -1])('refuses the archive cut at %p', async (cut) => {
      const zip = good();
      const at = cut < 0 ? zip.length + cut : cut < 1 ? Math.floor(zip.length * cut) : cut;
      expect(await failure(zip.subarray(0, at))).toEqual({ code: 'ZIP_CORRUPT', status: 400 });
    });

    it('refuses random bytes and an empty body', async () => {
      expect((await failure(Buffer.from('this is not a zip at all, just text'.repeat(10)))).code).toBe('ZIP_CORRUPT');
      expect((await failure(Buffer.alloc(0))).code).toBe('ZIP_CORRUPT');
    });

    it('refuses a CRC mismatch and damaged deflate data', async () => {
      expect((await failure(entries({ name: 'a', data: 'abc', declaredCrc: 1234 }))).code).toBe('ZIP_CORRUPT');
      const zip = good();
      const at = zip.indexOf(deflateRawSync(Buffer.from('hello world '.repeat(100))).subarray(0, 4));
      zip.fill(0xff, at, at + 8);
      expect((await failure(zip)).code).toBe('ZIP_CORRUPT');
    });

    it('refuses an archive with bytes cut from the middle', async () => {
      const zip = good();
      expect((await failure(Buffer.concat([zip.subarray(0, 40), zip.subarray(50)]))).code).toBe('ZIP_CORRUPT');
    });

    it('refuses a deflate stream that ends before its declared compressed size', async () => {
      // The data descriptor's 16 bytes follow the deflate data, so the declared size stays inside the entry.
      const data = 'hello world '.repeat(100);
      const declaredCompressedSize = deflateRawSync(Buffer.from(data)).length + 16;
      const zip = entries({ name: 'a', data, dataDescriptor: true, declaredCompressedSize });
      expect(await failure(zip)).toEqual({ code: 'ZIP_CORRUPT', status: 400 });
    });

    it('refuses a local header whose name differs from the central one, even at the same length', async () => {
      expect(
        await failure(entries({ name: 'safe.txt', localName: '../evil!', data: 'x' }, { name: 'b', data: 'b' })),
      ).toEqual({
        code: 'ZIP_CORRUPT',
        status: 400,
      });
      expect(await failure(entries({ name: 'safe.txt', localName: '../evi/', data: 'x' }))).toEqual({
        code: 'ZIP_CORRUPT',
        status: 400,
      });
    });

    it('refuses a zip64 end record without its locator, and trailing bytes after the end record', async () => {
      const zip64 = withZip64End(good());
      expect((await failure(Buffer.concat([zip64.subarray(0, -42), zip64.subarray(-22)]))).code).toBe('ZIP_CORRUPT');
      expect((await failure(Buffer.concat([good(), Buffer.from('trailing')]))).code).toBe('ZIP_CORRUPT');
    });

    it('leaves no descriptor open after extractions that fail mid-stream', async () => {
      const openFds = (): number => readdirSync('/proc/self/fd').length;
      // Two symbols at random: about 8:1, so the inflater stops long before the stored bytes end.
      const text = Buffer.from(randomBytes(16 << 20).map((b) => 0x61 + (b & 1)));
      const damaged = entries({ name: 't', data: text, level: 1 });
      damaged.fill(0x55, 1 << 20, (1 << 20) + 4096);
      const stored = randomBytes(8 << 20);
      const cases: [Buffer, Partial<UploadLimits>, string][] = [
        [entries({ name: 't', data: text, level: 1 }), { maxUncompressedBytes: 4 << 20 }, 'ZIP_TOO_LARGE'],
        [damaged, {}, 'ZIP_CORRUPT'],
        [
          buildZip(Array.from({ length: 12 }, (_, i) => ({ name: `f${i}`, data: stored, method: 0, declaredCrc: i }))),
          { maxUncompressedBytes: 1 << 30 },
          'ZIP_CORRUPT',
        ],
        [good().subarray(0, 200), {}, 'ZIP_CORRUPT'],
      ];
      await extract(good());
      const before = openFds();
      for (const [zip, limits, code] of cases) expect((await failure(zip, limits)).code).toBe(code);
      expect(openFds()).toBe(before);
    });

    it('refuses a lying entry count and mismatched local names', async () => {
      expect(
        (
          await failure(
            buildZip(
              [
                { name: 'a', data: 'a' },
                { name: 'b', data: 'b' },
              ],
              { declaredCount: 1 },
            ),
          )
        ).code,
      ).toBe('ZIP_CORRUPT');
      expect((await failure(buildZip([{ name: 'a', data: 'a' }], { declaredCount: 3 }))).code).toBe('ZIP_CORRUPT');
      expect((await failure(entries({ name: 'safe.txt', localName: '../evil', data: 'x' }))).code).toBe('ZIP_CORRUPT');
    });
  });
});
