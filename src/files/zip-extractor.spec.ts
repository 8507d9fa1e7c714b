import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
import { buildZip, FixtureEntry } from '../../test/support/zip-fixtures';
import { AppError } from '../common/errors/app-error';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { WholeFileWriter } from './whole-file-writer';
import { ZipExtractor } from './zip-extractor';
import { UploadLimits } from './zip-limits';
import { ZipStreamExtractor } from './zip-stream-extractor';

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

/** The archive in uneven chunks, as a body arrives: headers and data split at every kind of boundary. */
function arriving(zip: Buffer): Readable {
  const sizes = [13, 4093, 1, 65536, 30];
  const chunks: Buffer[] = [];
  for (let at = 0, i = 0; at < zip.length; i += 1) {
    const size = sizes[i % sizes.length] as number;
    chunks.push(zip.subarray(at, at + size));
    at += size;
  }
  return Readable.from(chunks);
}

const LIMITS: UploadLimits = {
  maxBytes: 1 << 30,
  maxUncompressedBytes: 64 << 20,
  maxEntries: 1000,
  maxRatio: 100,
  maxPathDepth: 64,
  maxPathBytes: 1024,
};
const OWNER = { uid: 1000, gid: 1000 };
/** One writer for the whole file, as the service has one; its worker ends with the file. */
const WRITER = new WholeFileWriter();
afterAll(() => WRITER.onModuleDestroy());

/**
 * Every case runs twice: extracted from the spooled archive alone ('directory'), and as an upload
 * runs it, extracted while it arrives and then checked against the central directory ('stream').
 * Both must give the same tree or the same error.
 */
describe.each(['directory', 'stream'] as const)('ZipExtractor (%s)', (mode) => {
  /** How a plain archive (sizes in its local headers) ends up extracted in this mode. */
  const via = mode;
  let work: string;
  const extractor = new ZipExtractor(WRITER);

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
  const extract = async (zip: Buffer, limits: Partial<UploadLimits> = {}, prefix: string[] = []) => {
    rmSync(tree(), { recursive: true, force: true });
    const all = { ...LIMITS, ...limits };
    const file = writeZip(zip);
    let streamed;
    if (mode === 'stream') {
      const early = new ZipStreamExtractor({ root: tree(), prefix, limits: all, owner: OWNER, writer: WRITER });
      await pipeline(arriving(zip), early);
      streamed = await early.result();
    }
    return extractor.extract(file, tree(), prefix, all, OWNER, streamed);
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
      expect(result).toEqual({ files: 3, bytes: 12 + 10 + 7, via });
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
      const result = await extract(
        entries(
          { name: 'a.bin', data: big, dataDescriptor: true },
          { name: 'b.txt', data: 'stored', method: 0, dataDescriptor: true },
        ),
      );
      // Streaming cannot know where a stored entry ends without its size: these are extracted after.
      expect(result.via).toBe('directory');
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
      expect(result).toMatchObject({ files: 2, via: 'directory' });
      expect(readFileSync(path.join(tree(), 'sub/x.txt'), 'utf8')).toBe('x'.repeat(5000));
      expect(readFileSync(path.join(tree(), 'y.bin')).equals(readFileSync(path.join(src, 'y.bin')))).toBe(true);
    });

    it('places everything under the target prefix', async () => {
      expect((await extract(entries({ name: 'a.txt', data: 'a' }), {}, ['deploy', 'v1'])).via).toBe(via);
      expect(readFileSync(path.join(tree(), 'deploy/v1/a.txt'), 'utf8')).toBe('a');
    });

    it('reads the entry count and directory from a zip64 end record', async () => {
      const result = await extract(
        withZip64End(entries({ name: 'a.txt', data: 'a' }, { name: 'b/c.txt', data: 'bc' })),
      );
      expect(result).toEqual({ files: 2, bytes: 3, via });
      expect(readFileSync(path.join(tree(), 'b/c.txt'), 'utf8')).toBe('bc');
    });

    it('reads an archive with a long comment, even one holding an end signature', async () => {
      const zip = entries({ name: 'a.txt', data: 'a' });
      const comment = Buffer.concat([
        Buffer.alloc(500, 'c'),
        Buffer.from([0x50, 0x4b, 0x05, 0x06]),
        Buffer.alloc(500, 'c'),
      ]);
      zip.writeUInt16LE(comment.length, zip.length - 2);
      expect(await extract(Buffer.concat([zip, comment]))).toEqual({ files: 1, bytes: 1, via });
      expect(readFileSync(path.join(tree(), 'a.txt'), 'utf8')).toBe('a');
    });

    it('accepts an empty archive', async () => {
      expect(await extract(entries())).toEqual({ files: 0, bytes: 0, via });
      expect(readdirSync(tree())).toEqual([]);
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
    ])('refuses %p with %s, writing nothing outside the tree', async (name, code) => {
      const zip = entries({ name: 'fine.txt', data: 'ok' }, { name, data: 'bad' });
      expect(await failure(zip)).toEqual({ code, status: 400 });
      // From the directory, nothing at all is written; while streaming, only what came before the bad name.
      expect(readdirSync(work).sort()).toEqual(mode === 'stream' ? ['tree', 'upload.zip'] : ['upload.zip']);
      if (mode === 'stream') expect(readdirSync(tree())).toEqual(['fine.txt']);
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

    it('refuses an archive of entries each within the ratio limit that add up past it', async () => {
      // 1 MiB each is within the per-entry grace; 32 MiB from ~33 KB is not, for the archive.
      const list = Array.from({ length: 32 }, (_, i) => ({ name: `z${i}`, data: zeros.subarray(0, 1 << 20) }));
      expect(await failure(buildZip(list))).toEqual({ code: 'ZIP_RATIO_EXCEEDED', status: 413 });
      await expect(extract(buildZip(list.slice(0, 1)))).resolves.toMatchObject({ files: 1 });
    });

    it('counts the directories that names only imply against the entry limit', async () => {
      const deep = (i: number): string => `${i}/${'d/'.repeat(9)}f`;
      const list = Array.from({ length: 10 }, (_, i) => ({ name: deep(i), data: 'x' }));
      expect(await failure(buildZip(list), { maxEntries: 50 })).toEqual({ code: 'ZIP_TOO_MANY_ENTRIES', status: 413 });
      await expect(extract(buildZip(list), { maxEntries: 110 })).resolves.toMatchObject({ files: 10 });
    });

    it('refuses paths deeper or longer than allowed, and a deep implied-directory bomb at once', async () => {
      const tooDeep = entries({ name: `${'a/'.repeat(64)}f`, data: 'x' });
      expect(await failure(tooDeep)).toEqual({ code: 'ZIP_PATH_TOO_DEEP', status: 400 });
      const tooLong = entries({ name: `${'d'.repeat(250)}/`.repeat(4) + 'f'.repeat(30), data: 'x' });
      expect(await failure(tooLong)).toEqual({ code: 'ZIP_NAME_TOO_LONG', status: 400 });
      // The bomb, scaled down: names of ~3 KB implying 1,500 directories each.
      const bomb = buildZip(Array.from({ length: 200 }, (_, i) => ({ name: `${10000 + i}/${'a/'.repeat(1500)}` })));
      expect(await failure(bomb)).toEqual({ code: 'ZIP_NAME_TOO_LONG', status: 400 });
      expect(await failure(bomb, { maxPathBytes: 3072 })).toEqual({ code: 'ZIP_PATH_TOO_DEEP', status: 400 });
    });

    it('extracts a node_modules-like tree: deep-ish, long names, many shared directories', async () => {
      const pkg = (i: number): string =>
        `node_modules/.pnpm/@scope+package-${i}@1.2.3_@babel+core@7.24.3/node_modules/@scope/package-${i}`;
      const list = Array.from({ length: 30 }, (_, i) => [
        { name: `${pkg(i)}/package.json`, data: `{"name":"p${i}"}` },
        { name: `${pkg(i)}/${'lib/'.repeat(20)}index.js`, data: 'module.exports = 1;\n' },
      ]).flat();
      await expect(extract(buildZip(list), {}, ['app'])).resolves.toMatchObject({ files: 60 });
      expect(readFileSync(path.join(tree(), 'app', pkg(7), 'lib/'.repeat(20), 'index.js'), 'utf8')).toContain('1;');
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
      // About 120 MB of archives: seconds on a quiet machine, more under a loaded CI's parallel workers.
    }, 60_000);

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

/** The central directory records of a buildZip archive (no extra fields or comments), and its end record. */
function centralParts(zip: Buffer): { start: number; records: Buffer[]; end: Buffer } {
  const end = zip.subarray(zip.length - 22);
  const start = end.readUInt32LE(16);
  const records: Buffer[] = [];
  for (let at = start; at < zip.length - 22;) {
    const length = 46 + zip.readUInt16LE(at + 28);
    records.push(zip.subarray(at, at + length));
    at += length;
  }
  return { start, records, end };
}

describe('ZipStreamExtractor', () => {
  let work: string;
  const extractor = new ZipExtractor(WRITER);
  const tree = (): string => path.join(work, 'tree');

  beforeEach(() => {
    work = mkdtempSync(path.join(tmpdir(), 'cm-zip-stream-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  const upload = async (zip: Buffer, limits: Partial<UploadLimits> = {}) => {
    const all = { ...LIMITS, ...limits };
    const file = path.join(work, 'upload.zip');
    writeFileSync(file, zip);
    const early = new ZipStreamExtractor({ root: tree(), prefix: [], limits: all, owner: OWNER, writer: WRITER });
    await pipeline(arriving(zip), early);
    const streamed = await early.result();
    return { streamed, extracted: extractor.extract(file, tree(), [], all, OWNER, streamed) };
  };

  it('streams big entries through the inflater and small ones whole, and keeps the tree', async () => {
    // Past a StreamSink batch (1 MiB) and not a multiple of it.
    const big = Buffer.from(randomBytes(2_500_000).map((b) => 0x61 + (b & 7)));
    const { extracted } = await upload(
      buildZip([
        { name: 'big.bin', data: big, unixMode: 0o100755 },
        { name: 'stored.bin', data: big, method: 0 },
        { name: 'lib/small.py', data: 'x = 1\n' },
      ]),
    );
    expect(await extracted).toEqual({ files: 3, bytes: 2 * big.length + 6, via: 'stream' });
    expect(readFileSync(path.join(tree(), 'big.bin')).equals(big)).toBe(true);
    expect(readFileSync(path.join(tree(), 'stored.bin')).equals(big)).toBe(true);
    expect(statSync(path.join(tree(), 'big.bin')).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(tree(), 'lib')).mode & 0o7777).toBe(0o755);
    expect(statSync(path.join(tree(), 'lib/small.py')).mtime).toEqual(new Date(2024, 0, 20, 12, 0, 0));
  });

  it('never keeps a file the central directory does not list', async () => {
    const zip = buildZip([
      { name: 'a.txt', data: 'a' },
      { name: 'hidden.txt', data: 'not in the directory' },
      { name: 'b.txt', data: 'b' },
    ]);
    const { start, records, end } = centralParts(zip);
    const directory = Buffer.concat([records[0] as Buffer, records[2] as Buffer]);
    const patchedEnd = Buffer.from(end);
    patchedEnd.writeUInt16LE(2, 8);
    patchedEnd.writeUInt16LE(2, 10);
    patchedEnd.writeUInt32LE(directory.length, 12);
    const { streamed, extracted } = await upload(Buffer.concat([zip.subarray(0, start), directory, patchedEnd]));
    expect(streamed).toBeDefined();
    expect((await extracted).via).toBe('directory');
    expect(readdirSync(tree()).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('answers as the central directory says when a consistent local header disagrees with it', async () => {
    const zip = buildZip([{ name: 'a.txt', data: 'hello' }]);
    const { start } = centralParts(zip);
    zip.writeUInt32LE(0x12345678, start + 16);
    const { streamed, extracted } = await upload(zip);
    expect(streamed).toBeDefined();
    await expect(extracted).rejects.toMatchObject({ code: 'ZIP_CORRUPT' });
  });

  it('stops writing at the inflate limit, before the directory says anything', async () => {
    const text = Buffer.from(randomBytes(12 << 20).map((b) => 0x61 + (b & 1)));
    const { streamed, extracted } = await upload(buildZip([{ name: 't', data: text, level: 1 }]), {
      maxUncompressedBytes: 2 << 20,
    });
    expect(streamed).toBeUndefined();
    await expect(extracted).rejects.toMatchObject({ code: 'ZIP_TOO_LARGE' });
    expect(statSync(path.join(tree(), 't')).size).toBeLessThanOrEqual(2 << 20);
  });

  it('stops writing an archive-wide ratio bomb after a few of its entries', async () => {
    const mib = Buffer.alloc(1 << 20);
    const list = Array.from({ length: 48 }, (_, i) => ({ name: `z${i}`, data: mib }));
    const { streamed, extracted } = await upload(buildZip(list), { maxUncompressedBytes: 1 << 30 });
    expect(streamed).toBeUndefined();
    await expect(extracted).rejects.toMatchObject({ code: 'ZIP_RATIO_EXCEEDED', details: { scope: 'archive' } });
    const written = readdirSync(tree()).reduce((sum, name) => sum + statSync(path.join(tree(), name)).size, 0);
    expect(written).toBeLessThanOrEqual(4 << 20);
  });

  it('gives no tree for a body that stops, and has stopped writing when result() resolves', async () => {
    const zip = buildZip([
      { name: 'a.bin', data: randomBytes(2 << 20) },
      { name: 'b.txt', data: 'b' },
    ]);
    const early = new ZipStreamExtractor({ root: tree(), prefix: [], limits: LIMITS, owner: OWNER, writer: WRITER });
    await new Promise<void>((resolve) => early.write(zip.subarray(0, 1 << 20), () => resolve()));
    expect(await early.result()).toBeUndefined();
    // Whatever was written (perhaps nothing: the abort may come before the file is opened) stays as it is.
    const snapshot = (): string[] =>
      readdirSync(tree(), { recursive: true, encoding: 'utf8' }).map((name) => {
        const st = statSync(path.join(tree(), name));
        return `${name}:${st.isFile() ? st.size : 'dir'}`;
      });
    const before = snapshot();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(snapshot()).toEqual(before);
  });
});

/**
 * Differential check of the two paths: a valid archive with random bytes damaged (and sometimes cut),
 * extracted from the directory alone and as an upload runs it. They must agree on every outcome: the
 * same tree (names, modes, bytes, times) or the same error code, and never an error that is not an
 * AppError. Fixed seed, so a failure replays.
 */
describe('directory and stream extraction agree on damaged archives', () => {
  let work: string;
  beforeAll(() => (work = mkdtempSync(path.join(tmpdir(), 'cm-zip-diff-'))));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const limits: UploadLimits = { ...LIMITS, maxUncompressedBytes: 8 << 20, maxEntries: 100 };
  const base = buildZip([
    { name: 'a.txt', data: 'hello '.repeat(50) },
    { name: 'dir/', unixMode: 0o40755 },
    { name: 'dir/b.bin', data: Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) & 255)), method: 0 },
    { name: 'dir/c.sh', data: '#!/bin/sh\n', unixMode: 0o100755 },
    { name: 'big.txt', data: 'abcdefghij'.repeat(40000) },
  ]);

  /** Everything about a tree but the time of files whose DOS time was damaged into none (they get "now"). */
  const describeTree = (dir: string): string[] =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .sort()
      .map((name) => {
        const st = statSync(path.join(dir, name));
        const time = Math.abs(st.mtimeMs - Date.now()) < 3_600_000 ? 'now' : String(st.mtimeMs);
        const content = st.isFile() ? readFileSync(path.join(dir, name)).toString('base64') : 'dir';
        return `${name} ${(st.mode & 0o7777).toString(8)} ${content} ${st.isFile() ? time : ''}`;
      });

  const outcome = async (zip: Buffer, mode: 'directory' | 'stream'): Promise<string> => {
    const tree = path.join(work, mode);
    rmSync(tree, { recursive: true, force: true });
    const file = path.join(work, `${mode}.zip`);
    writeFileSync(file, zip);
    let streamed;
    if (mode === 'stream') {
      const early = new ZipStreamExtractor({ root: tree, prefix: [], limits, owner: OWNER, writer: WRITER });
      await pipeline(arriving(zip), early);
      streamed = await early.result();
    }
    try {
      const result = await new ZipExtractor(WRITER).extract(file, tree, [], limits, OWNER, streamed);
      return [`ok ${result.files} ${result.bytes}`, ...describeTree(tree)].join('\n');
    } catch (err) {
      return err instanceof AppError ? `refused ${err.code}` : `THROWN ${String(err)}`;
    }
  };

  it('gives the same tree or the same error for 150 damaged archives', async () => {
    let seed = 20261128;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x7fffffff;
    };
    const outcomes = new Set<string>();
    for (let i = 0; i < 150; i += 1) {
      const zip = Buffer.from(base);
      for (let flips = 1 + Math.floor(random() * 3); flips > 0; flips -= 1) {
        // Half the damage lands in the central directory, where the two paths differ most.
        const from = random() < 0.5 ? zip.readUInt32LE(zip.length - 6) : 0;
        zip[from + Math.floor(random() * (zip.length - from))] = Math.floor(random() * 256);
      }
      const damaged = random() < 0.1 ? zip.subarray(0, Math.floor(random() * zip.length)) : zip;
      const fromDirectory = await outcome(damaged, 'directory');
      expect(fromDirectory).not.toMatch(/^THROWN/);
      expect({ i, outcome: await outcome(damaged, 'stream') }).toEqual({ i, outcome: fromDirectory });
      outcomes.add(fromDirectory.split(' ')[0] as string);
    }
    // The damage must exercise both kinds of outcome, or this proves nothing.
    expect([...outcomes].sort()).toEqual(['ok', 'refused']);
  }, 60_000);
});
