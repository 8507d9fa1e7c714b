/**
 * The records of a zip as the download writes them (APPNOTE 6.3.10): local headers, data
 * descriptors, the central directory and its end, with zip64 where a size or offset needs it. Only
 * encoding here; ZipWriter decides what goes where.
 */

/** What the central directory will say about one entry; sizes and CRC are filled in as its data is written. */
export interface OutEntry {
  rawName: Buffer;
  directory: boolean;
  mode: number;
  modified: Date;
  method: 0 | 8;
  /** Sizes and CRC follow the data (bit 3), because they are known only once it has been read. */
  descriptor: boolean;
  /** Decided before the data: an entry this large gets zip64 sizes in its local header and descriptor. */
  zip64: boolean;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  offset: number;
}

const FLAG_DESCRIPTOR = 0x0008;
const FLAG_UTF8 = 0x0800;
const MADE_BY_UNIX = 3 << 8;
const VERSION_DEFAULT = 20;
const VERSION_ZIP64 = 45;
const MAX_32 = 0xffffffff;
const MAX_16 = 0xffff;
/** Info-ZIP's extended timestamp (0x5455): the exact modification time in UTC seconds, beside the DOS one. */
const TIMESTAMP_EXTRA_SIZE = 9;

export function localHeader(entry: OutEntry): Buffer {
  const zip64 = entry.zip64 ? zip64Extra([0, 0]) : Buffer.alloc(0);
  const head = Buffer.alloc(30);
  head.writeUInt32LE(0x04034b50, 0);
  head.writeUInt16LE(entry.zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  head.writeUInt16LE(flagsOf(entry), 6);
  head.writeUInt16LE(entry.method, 8);
  writeDosTime(head, 10, entry.modified);
  if (entry.zip64) {
    head.writeUInt32LE(MAX_32, 18);
    head.writeUInt32LE(MAX_32, 22);
  } else if (!entry.descriptor) {
    head.writeUInt32LE(entry.crc32, 14);
    head.writeUInt32LE(entry.compressedSize, 18);
    head.writeUInt32LE(entry.uncompressedSize, 22);
  }
  head.writeUInt16LE(entry.rawName.length, 26);
  head.writeUInt16LE(TIMESTAMP_EXTRA_SIZE + zip64.length, 28);
  return Buffer.concat([head, entry.rawName, timestampExtra(entry.modified), zip64]);
}

export function dataDescriptor(entry: OutEntry): Buffer {
  const out = Buffer.alloc(entry.zip64 ? 24 : 16);
  out.writeUInt32LE(0x08074b50, 0);
  out.writeUInt32LE(entry.crc32, 4);
  if (entry.zip64) {
    out.writeBigUInt64LE(BigInt(entry.compressedSize), 8);
    out.writeBigUInt64LE(BigInt(entry.uncompressedSize), 16);
  } else {
    out.writeUInt32LE(entry.compressedSize, 8);
    out.writeUInt32LE(entry.uncompressedSize, 12);
  }
  return out;
}

export function centralRecord(entry: OutEntry): Buffer {
  // zip64 extra: only the fields that do not fit, in this order (APPNOTE 4.5.3).
  const wide = [entry.uncompressedSize, entry.compressedSize];
  const sizes64 = entry.zip64 || wide.some((n) => n >= MAX_32);
  const offset64 = entry.offset >= MAX_32;
  const extra64 = [...(sizes64 ? wide : []), ...(offset64 ? [entry.offset] : [])];
  const zip64 = extra64.length > 0 ? zip64Extra(extra64) : Buffer.alloc(0);
  const version = zip64.length > 0 ? VERSION_ZIP64 : VERSION_DEFAULT;
  const type = entry.directory ? 0o040000 : 0o100000;
  const head = Buffer.alloc(46);
  head.writeUInt32LE(0x02014b50, 0);
  head.writeUInt16LE(MADE_BY_UNIX | version, 4);
  head.writeUInt16LE(version, 6);
  head.writeUInt16LE(flagsOf(entry), 8);
  head.writeUInt16LE(entry.method, 10);
  writeDosTime(head, 12, entry.modified);
  head.writeUInt32LE(entry.crc32, 16);
  head.writeUInt32LE(sizes64 ? MAX_32 : entry.compressedSize, 20);
  head.writeUInt32LE(sizes64 ? MAX_32 : entry.uncompressedSize, 24);
  head.writeUInt16LE(entry.rawName.length, 28);
  head.writeUInt16LE(TIMESTAMP_EXTRA_SIZE + zip64.length, 30);
  // Unix type and permission bits in the high half; MS-DOS directory bit for the others.
  head.writeUInt32LE((((type | (entry.mode & 0o7777)) << 16) | (entry.directory ? 0x10 : 0)) >>> 0, 38);
  head.writeUInt32LE(offset64 ? MAX_32 : entry.offset, 42);
  return Buffer.concat([head, entry.rawName, timestampExtra(entry.modified), zip64]);
}

/** The end of the archive: a zip64 end record and locator first when counts or offsets need them. */
export function endRecords(entries: number, directoryOffset: number, directorySize: number): Buffer {
  const needs64 = entries >= MAX_16 || directoryOffset >= MAX_32 || directorySize >= MAX_32;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(needs64 ? MAX_16 : entries, 8);
  end.writeUInt16LE(needs64 ? MAX_16 : entries, 10);
  end.writeUInt32LE(needs64 ? MAX_32 : directorySize, 12);
  end.writeUInt32LE(needs64 ? MAX_32 : directoryOffset, 16);
  if (!needs64) return end;
  const end64 = Buffer.alloc(56);
  end64.writeUInt32LE(0x06064b50, 0);
  end64.writeBigUInt64LE(44n, 4);
  end64.writeUInt16LE(MADE_BY_UNIX | VERSION_ZIP64, 12);
  end64.writeUInt16LE(VERSION_ZIP64, 14);
  end64.writeBigUInt64LE(BigInt(entries), 24);
  end64.writeBigUInt64LE(BigInt(entries), 32);
  end64.writeBigUInt64LE(BigInt(directorySize), 40);
  end64.writeBigUInt64LE(BigInt(directoryOffset), 48);
  const locator = Buffer.alloc(20);
  locator.writeUInt32LE(0x07064b50, 0);
  locator.writeBigUInt64LE(BigInt(directoryOffset + directorySize), 8);
  locator.writeUInt32LE(1, 16);
  return Buffer.concat([end64, locator, end]);
}

function flagsOf(entry: OutEntry): number {
  return FLAG_UTF8 | (entry.descriptor ? FLAG_DESCRIPTOR : 0);
}

function zip64Extra(values: readonly number[]): Buffer {
  const out = Buffer.alloc(4 + 8 * values.length);
  out.writeUInt16LE(0x0001, 0);
  out.writeUInt16LE(8 * values.length, 2);
  values.forEach((value, i) => out.writeBigUInt64LE(BigInt(value), 4 + 8 * i));
  return out;
}

function timestampExtra(modified: Date): Buffer {
  const out = Buffer.alloc(TIMESTAMP_EXTRA_SIZE);
  out.writeUInt16LE(0x5455, 0);
  out.writeUInt16LE(5, 2);
  out.writeUInt8(1, 4);
  out.writeUInt32LE(Math.min(MAX_32, Math.max(0, Math.floor(modified.getTime() / 1000))), 5);
  return out;
}

/** DOS time and date in local time, as `zip` writes them and the upload reads them; clamped to 1980–2107. */
function writeDosTime(out: Buffer, at: number, modified: Date): void {
  const year = modified.getFullYear();
  if (Number.isNaN(year) || year < 1980) {
    out.writeUInt16LE(0, at);
    out.writeUInt16LE((1 << 5) | 1, at + 2);
    return;
  }
  if (year > 2107) {
    out.writeUInt16LE((23 << 11) | (59 << 5) | 29, at);
    out.writeUInt16LE((127 << 9) | (12 << 5) | 31, at + 2);
    return;
  }
  out.writeUInt16LE((modified.getHours() << 11) | (modified.getMinutes() << 5) | (modified.getSeconds() >> 1), at);
  out.writeUInt16LE(((year - 1980) << 9) | ((modified.getMonth() + 1) << 5) | modified.getDate(), at + 2);
}
