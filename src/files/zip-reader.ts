import { FileHandle, open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { ValidationError } from '../common/errors/app-error';

/** One central-directory record: what the archive says about an entry (not yet believed). */
export interface ZipRecord {
  index: number;
  rawName: Buffer;
  /** UTF-8 name, or null when the bytes are not valid UTF-8. */
  name: string | null;
  flags: number;
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
  madeBy: number;
  externalAttributes: number;
  modified: Date | null;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const END_SIZE = 22;
const CENTRAL_SIZE = 46;
const LOCAL_SIZE = 30;
const MAX_COMMENT = 0xffff;
const CHUNK = 64 * 1024;
const DATA_CHUNK = 1024 * 1024;

export function zipCorrupt(reason: string, details: Record<string, unknown> = {}): ValidationError {
  return new ValidationError('ZIP_CORRUPT', 'The archive is truncated or corrupt', { reason, ...details });
}

/**
 * A minimal zip reader over a spooled file. It trusts only the central directory (which carries the
 * real sizes even when a streaming zipper used data descriptors), bounds every read by those sizes,
 * and checks each local header against it. It never decompresses: entry data comes out raw, so the
 * caller decides how much inflated output to believe. Every read is from a local file of known
 * size, so a truncated archive ends in an error, never in a wait.
 */
export class ZipReader {
  private constructor(
    private readonly file: FileHandle,
    readonly entryCount: number,
    private readonly cdOffset: number,
    private readonly cdSize: number,
  ) {}

  static async open(filePath: string): Promise<ZipReader> {
    const file = await open(filePath, 'r');
    try {
      const { size } = await file.stat();
      const end = await locateEnd(file, size);
      return new ZipReader(file, end.count, end.cdOffset, end.cdSize);
    } catch (err) {
      await file.close();
      throw err;
    }
  }

  /** Central-directory records in order; never more than the end record announced. */
  async *records(): AsyncGenerator<ZipRecord> {
    const cd = new SequentialReader(this.file, this.cdOffset, this.cdOffset + this.cdSize);
    for (let index = 0; index < this.entryCount; index += 1) {
      const head = await cd.take(CENTRAL_SIZE);
      if (head.readUInt32LE(0) !== SIG_CENTRAL) throw zipCorrupt('bad central directory record', { entry: index });
      const nameLength = head.readUInt16LE(28);
      const extraLength = head.readUInt16LE(30);
      const commentLength = head.readUInt16LE(32);
      const rawName = Buffer.from(await cd.take(nameLength));
      const extra = await cd.take(extraLength);
      await cd.take(commentLength);
      const record: ZipRecord = {
        index,
        rawName,
        name: decodeName(rawName),
        flags: head.readUInt16LE(8),
        method: head.readUInt16LE(10),
        crc32: head.readUInt32LE(16),
        compressedSize: head.readUInt32LE(20),
        uncompressedSize: head.readUInt32LE(24),
        localHeaderOffset: head.readUInt32LE(42),
        madeBy: head.readUInt16LE(4),
        externalAttributes: head.readUInt32LE(38),
        modified: dosDate(head.readUInt16LE(14), head.readUInt16LE(12)),
      };
      applyZip64(record, extra, head.readUInt16LE(34));
      yield record;
    }
    if (!cd.atEnd()) throw zipCorrupt('central directory is longer than its entry count');
  }

  /**
   * Proves no two entries share bytes. Overlapping entries are how "better zip bombs" reuse one
   * compressed kernel many times, and are never produced by an honest zipper.
   */
  assertNoOverlap(records: readonly ZipRecord[]): void {
    const sorted = [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    sorted.forEach((r, i) => {
      const minEnd = r.localHeaderOffset + LOCAL_SIZE + r.rawName.length + r.compressedSize;
      const next = sorted[i + 1]?.localHeaderOffset ?? this.cdOffset;
      if (minEnd > next) throw zipCorrupt('entries overlap or run into the central directory', { entry: r.index });
    });
  }

  /** The entry's stored (still compressed) bytes, exactly `compressedSize` of them. */
  async openData(record: ZipRecord): Promise<Readable> {
    const header = await readAt(this.file, record.localHeaderOffset, LOCAL_SIZE);
    if (header.readUInt32LE(0) !== SIG_LOCAL) throw zipCorrupt('bad local header', { entry: record.index });
    const nameLength = header.readUInt16LE(26);
    const extraLength = header.readUInt16LE(28);
    const localName = await readAt(this.file, record.localHeaderOffset + LOCAL_SIZE, nameLength);
    if (!localName.equals(record.rawName)) {
      throw zipCorrupt('local and central names differ', { entry: record.index });
    }
    const start = record.localHeaderOffset + LOCAL_SIZE + nameLength + extraLength;
    if (start + record.compressedSize > this.cdOffset)
      throw zipCorrupt('entry data is cut short', { entry: record.index });
    return Readable.from(readRange(this.file, start, record.compressedSize), { objectMode: false });
  }

  close(): Promise<void> {
    return this.file.close();
  }
}

interface EndRecord {
  count: number;
  cdOffset: number;
  cdSize: number;
}

async function locateEnd(file: FileHandle, size: number): Promise<EndRecord> {
  if (size < END_SIZE) throw zipCorrupt('too short to be a zip archive');
  const tailLength = Math.min(size, END_SIZE + MAX_COMMENT);
  const tailStart = size - tailLength;
  const tail = await readAt(file, tailStart, tailLength);
  // The end record is the last signature whose comment reaches exactly to the end of the file.
  for (let i = tailLength - END_SIZE; i >= 0; i -= 1) {
    if (tail.readUInt32LE(i) !== SIG_END || i + END_SIZE + tail.readUInt16LE(i + 20) !== tailLength) continue;
    if (tail.readUInt16LE(i + 4) !== 0 || tail.readUInt16LE(i + 6) !== 0) throw zipCorrupt('multi-disk archive');
    const end: EndRecord = {
      count: tail.readUInt16LE(i + 10),
      cdSize: tail.readUInt32LE(i + 12),
      cdOffset: tail.readUInt32LE(i + 16),
    };
    const endOffset = tailStart + i;
    const needs64 = end.count === 0xffff || end.cdSize === 0xffffffff || end.cdOffset === 0xffffffff;
    const [record, limit] = needs64 ? await readEnd64(file, endOffset) : [end, endOffset];
    if (record.cdOffset + record.cdSize > limit) throw zipCorrupt('central directory lies outside the file');
    return record;
  }
  throw zipCorrupt('end of central directory not found');
}

async function readEnd64(file: FileHandle, endOffset: number): Promise<[EndRecord, number]> {
  if (endOffset < 20) throw zipCorrupt('zip64 locator missing');
  const locator = await readAt(file, endOffset - 20, 20);
  if (locator.readUInt32LE(0) !== SIG_LOCATOR64) throw zipCorrupt('zip64 locator missing');
  const end64Offset = u64(locator, 8);
  if (end64Offset + 56 > endOffset - 20) throw zipCorrupt('zip64 end record outside the file');
  const end64 = await readAt(file, end64Offset, 56);
  if (end64.readUInt32LE(0) !== SIG_END64) throw zipCorrupt('bad zip64 end record');
  return [{ count: u64(end64, 32), cdSize: u64(end64, 40), cdOffset: u64(end64, 48) }, end64Offset];
}

/** Zip64 extended information (0x0001): 64-bit values for exactly the fields saturated in the record. */
function applyZip64(record: ZipRecord, extra: Buffer, diskStart: number): void {
  if (diskStart !== 0 && diskStart !== 0xffff) throw zipCorrupt('multi-disk archive', { entry: record.index });
  const wants = {
    uncompressedSize: record.uncompressedSize === 0xffffffff,
    compressedSize: record.compressedSize === 0xffffffff,
    localHeaderOffset: record.localHeaderOffset === 0xffffffff,
  };
  if (!wants.uncompressedSize && !wants.compressedSize && !wants.localHeaderOffset) return;
  for (let at = 0; at + 4 <= extra.length;) {
    const id = extra.readUInt16LE(at);
    const length = extra.readUInt16LE(at + 2);
    const body = extra.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    if (id !== 0x0001) continue;
    let p = 0;
    for (const field of ['uncompressedSize', 'compressedSize', 'localHeaderOffset'] as const) {
      if (!wants[field]) continue;
      if (p + 8 > body.length) throw zipCorrupt('short zip64 field', { entry: record.index });
      record[field] = u64(body, p);
      p += 8;
    }
    return;
  }
  throw zipCorrupt('zip64 field missing', { entry: record.index });
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeName(raw: Buffer): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

function dosDate(date: number, time: number): Date | null {
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  if (month < 1 || month > 12 || day < 1) return null;
  // DOS times carry no zone; like unzip, read them as local time.
  return new Date((date >> 9) + 1980, month - 1, day, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2);
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw zipCorrupt('64-bit field out of range');
  return Number(value);
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = length === 0 ? { bytesRead: 0 } : await file.read(buffer, 0, length, position);
  if (bytesRead !== length) throw zipCorrupt('unexpected end of archive');
  return buffer;
}

/**
 * A byte range of the archive as chunks. Plain positional reads on the shared handle: a stream per
 * entry built on the FileHandle would register a listener on it for each of thousands of entries.
 */
async function* readRange(file: FileHandle, start: number, length: number): AsyncGenerator<Buffer> {
  for (let position = start, end = start + length; position < end;) {
    const want = Math.min(DATA_CHUNK, end - position);
    const buffer = Buffer.allocUnsafe(want);
    const { bytesRead } = await file.read(buffer, 0, want, position);
    if (bytesRead === 0) throw zipCorrupt('unexpected end of archive');
    position += bytesRead;
    yield buffer.subarray(0, bytesRead);
  }
}

/** Reads a byte range front to back in chunks, so a large central directory never sits in memory whole. */
class SequentialReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(
    private readonly file: FileHandle,
    private position: number,
    private readonly end: number,
  ) {}

  async take(length: number): Promise<Buffer> {
    while (this.buffer.length < length) {
      const want = Math.min(CHUNK, this.end - this.position);
      if (want <= 0) throw zipCorrupt('central directory is shorter than its entry count');
      const chunk = await readAt(this.file, this.position, want);
      this.position += want;
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    }
    const out = this.buffer.subarray(0, length);
    this.buffer = this.buffer.subarray(length);
    return out;
  }

  atEnd(): boolean {
    return this.buffer.length === 0 && this.position >= this.end;
  }
}
