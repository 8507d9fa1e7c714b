import { crc32, deflateRawSync } from 'node:zlib';

/** One entry of a hand-built zip; every field a real zipper would compute can be overridden to lie. */
export interface FixtureEntry {
  /** Raw name, written byte for byte: no normalisation, so hostile names survive. */
  name: string | Buffer;
  data?: Buffer | string;
  /** 0 = stored, 8 = deflate (default); anything else is written as-is (unsupported methods). */
  method?: number;
  /** zlib level for deflated entries (1 is fastest, for big test data). */
  level?: number;
  /** Full unix st_mode (type + permissions), stored in the external attributes' high 16 bits. */
  unixMode?: number;
  /** Shorthand for a symlink entry pointing at `data` (external attributes 0xA1FF << 16). */
  symlink?: boolean;
  /** Sizes/CRC written in the headers instead of the real ones. */
  declaredSize?: number;
  declaredCompressedSize?: number;
  declaredCrc?: number;
  /** Streaming-zipper layout: zero sizes in the local header, real ones in a trailing data descriptor. */
  dataDescriptor?: boolean;
  /** Extra general-purpose flag bits (bit 0 = encrypted). */
  flags?: number;
  /** Points the central directory record at another entry's local header (overlapping bombs). */
  localOffsetOf?: number;
  /** Name written in the local header when it differs from the central directory's. */
  localName?: string;
}

export interface FixtureOptions {
  /** Cut the finished archive to this many bytes. */
  truncateAt?: number;
  /** Entry count written in the end record instead of the real one. */
  declaredCount?: number;
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16LE(n & 0xffff);
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32LE(n >>> 0);
  return b;
};

const DOS_TIME = 0x6000; // 12:00:00
const DOS_DATE = ((2024 - 1980) << 9) | (1 << 5) | 20; // 2024-01-20

/** Builds a zip in memory, the way the tests need it: valid by default, hostile on request. */
export function buildZip(entries: FixtureEntry[], options: FixtureOptions = {}): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets: number[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.isBuffer(e.name) ? e.name : Buffer.from(e.name, 'utf8');
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data ?? '', 'utf8');
    const method = e.method ?? 8;
    const payload = method === 8 ? deflateRawSync(data, { level: e.level ?? 6 }) : data;
    const crc = e.declaredCrc ?? crc32(data);
    const size = e.declaredSize ?? data.length;
    const csize = e.declaredCompressedSize ?? payload.length;
    const flags = (e.flags ?? 0) | 0x800 | (e.dataDescriptor ? 0x08 : 0);
    const mode = e.symlink ? 0o120777 : e.unixMode;
    const external = mode === undefined ? 0 : (mode << 16) >>> 0;
    const madeBy = mode === undefined ? 20 : (3 << 8) | 20;
    const localName = e.localName === undefined ? name : Buffer.from(e.localName, 'utf8');
    const local = Buffer.concat([
      u32(0x04034b50),
      u16(20),
      u16(flags),
      u16(method),
      u16(DOS_TIME),
      u16(DOS_DATE),
      u32(e.dataDescriptor ? 0 : crc),
      u32(e.dataDescriptor ? 0 : csize),
      u32(e.dataDescriptor ? 0 : size),
      u16(localName.length),
      u16(0),
      localName,
      payload,
      e.dataDescriptor ? Buffer.concat([u32(0x08074b50), u32(crc), u32(csize), u32(size)]) : Buffer.alloc(0),
    ]);
    offsets.push(offset);
    const localOffset = e.localOffsetOf === undefined ? offset : (offsets[e.localOffsetOf] ?? 0);
    central.push(
      Buffer.concat([
        u32(0x02014b50),
        u16(madeBy),
        u16(20),
        u16(flags),
        u16(method),
        u16(DOS_TIME),
        u16(DOS_DATE),
        u32(crc),
        u32(csize),
        u32(size),
        u16(name.length),
        u16(0),
        u16(0),
        u16(0),
        u16(0),
        u32(external),
        u32(localOffset),
        name,
      ]),
    );
    if (e.localOffsetOf === undefined) {
      locals.push(local);
      offset += local.length;
    }
  }
  const cd = Buffer.concat(central);
  const count = options.declaredCount ?? entries.length;
  const end = Buffer.concat([
    u32(0x06054b50),
    u16(0),
    u16(0),
    u16(count),
    u16(count),
    u32(cd.length),
    u32(offset),
    u16(0),
  ]);
  const zip = Buffer.concat([...locals, cd, end]);
  return options.truncateAt === undefined ? zip : zip.subarray(0, options.truncateAt);
}

/** The guide's Python upload example (boot.py, requirements.txt, data/config.json). */
export const GUIDE_FILES: Record<string, string> = {
  'boot.py':
    '\nimport os\nimport time\nprint(f"Container {os.environ.get(\'CONTAINER_UID\')} started")\n' +
    'print(f"Tags: {os.environ.get(\'TAGS\', \'none\')}")\nwhile True:\n    print("Working...")\n    time.sleep(10)\n',
  'requirements.txt': 'requests==2.31.0\nnumpy==1.24.0\n',
  'data/config.json': '{"setting": "value"}',
};

export function guideZip(): Buffer {
  return buildZip(Object.entries(GUIDE_FILES).map(([name, data]) => ({ name, data })));
}
