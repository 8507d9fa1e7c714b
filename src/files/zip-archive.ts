import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { CentralDirectory, Open } from 'unzipper';
import { readEndRecord } from './zip-end-record';
import { fitsWhole } from './zip-entry-data';
import { unzipperFailure, zipCorrupt } from './zip-errors';
import { FileSource, readExactly } from './zip-file-source';
import { tooManyEntries } from './zip-limits';
import { LOCAL_SIZE, readLocalHeader } from './zip-local-header';
import { recordLength, toZipRecord, ZipRecord } from './zip-record';

/** Room read past a small entry's name for its local extra field, so one read usually gets header and data. */
const EXTRA_ROOM = 64;

/** Where an entry's stored bytes are, and the bytes themselves for an entry small enough to hold whole. */
export interface EntryLocation {
  start: number;
  whole?: Buffer;
}

/**
 * A spooled upload. unzipper parses the central directory (the only place the real sizes are, even
 * when a streaming zipper used data descriptors); around it, the checks unzipper does not make: the
 * declared entry count before it allocates per record, a directory whose records fill it exactly,
 * entries that share no bytes, local headers that agree with the directory. Entry data is read here
 * by offset, from the one handle: every read is of a local file of known size, so nothing ever waits.
 */
export class ZipArchive {
  private constructor(
    private readonly source: FileSource,
    /** Bytes of the whole archive: what the archive-wide ratio is measured against. */
    readonly size: number,
    readonly records: readonly ZipRecord[],
    /** Per record, the offset its bytes must end by: the next local header or the central directory. */
    private readonly limits: readonly number[],
  ) {}

  static async open(archivePath: string, maxEntries: number): Promise<ZipArchive> {
    const file = await open(archivePath, 'r');
    let source: FileSource | undefined;
    try {
      const { size } = await file.stat();
      source = new FileSource(file, size);
      const end = await readEndRecord(file, size);
      if (end.entries > maxEntries) throw tooManyEntries(end.entries, maxEntries);
      // unzipper's tail starts at the end record found above, so it reads that one, comment and all.
      const directory = await parse(source, size - end.offset);
      const records = directory.files.map(toZipRecord);
      const start = checkDirectory(directory, end.entries, end.directoryEnd);
      return new ZipArchive(source, size, records, byteLimits(records, start));
    } catch (err) {
      await (source ? source.close() : file.close());
      throw err;
    }
  }

  /**
   * Proves no two entries share bytes. Overlapping entries are how "better zip bombs" reuse one
   * compressed kernel many times, and are never produced by an honest zipper. The local name is
   * checked to be the central one later, so its length is the central name's.
   */
  assertNoOverlap(): void {
    for (const r of this.records) {
      if (r.localHeaderOffset + LOCAL_SIZE + r.rawName.length + r.compressedSize > this.limitOf(r)) {
        throw zipCorrupt('entries overlap or run into the central directory', { entry: r.index });
      }
    }
  }

  /** Finds the entry's data once its local header agrees with the central directory. */
  async locate(record: ZipRecord): Promise<EntryLocation> {
    const limit = this.limitOf(record);
    const whole = fitsWhole(record);
    const want = LOCAL_SIZE + record.rawName.length + (whole ? EXTRA_ROOM + record.compressedSize : 0);
    const room = limit - record.localHeaderOffset;
    if (room < LOCAL_SIZE + record.rawName.length) throw zipCorrupt('entry data is cut short', { entry: record.index });
    const head = await readExactly(this.source.file, record.localHeaderOffset, Math.min(want, room));
    const header = readLocalHeader(head);
    if (!header) throw zipCorrupt('bad local header', { entry: record.index });
    const localName = head.subarray(LOCAL_SIZE, LOCAL_SIZE + header.nameLength);
    if (!localName.equals(record.rawName)) throw zipCorrupt('local and central names differ', { entry: record.index });
    const start = LOCAL_SIZE + header.nameLength + header.extraLength;
    if (record.localHeaderOffset + start + record.compressedSize > limit)
      throw zipCorrupt('entry data is cut short', { entry: record.index });
    // A deflate stream is never 0 bytes: an entry that says so is lying about its size or its method.
    if (record.compressedSize === 0 && record.method === 8) {
      throw zipCorrupt('invalid compressed data', { entry: record.index });
    }
    if (!whole) return { start: record.localHeaderOffset + start };
    const end = start + record.compressedSize;
    const data =
      end <= head.length
        ? head.subarray(start, end)
        : await readExactly(this.source.file, record.localHeaderOffset + start, record.compressedSize);
    return { start: record.localHeaderOffset + start, whole: data };
  }

  /** Stored bytes [start, start + length) as a stream; a failed read ends it early (see readError). */
  stream(start: number, length: number): Readable {
    return this.source.stream(start, length);
  }

  /** The first read of the spooled file that failed, if any: an I/O failure, not a corrupt archive. */
  get readError(): unknown {
    return this.source.readError;
  }

  /** Releases the file, and with it every stream still reading. */
  close(): Promise<void> {
    return this.source.close();
  }

  private limitOf(record: ZipRecord): number {
    return this.limits[record.index] ?? 0;
  }
}

async function parse(source: FileSource, tailSize: number): Promise<CentralDirectory> {
  try {
    return await Open.custom(source, { tailSize });
  } catch (err) {
    throw unzipperFailure(err, source.readError);
  }
}

/**
 * unzipper reads exactly the declared number of records from the directory start, whatever the
 * directory's declared size: the records must fill that size exactly and lie before the end record.
 * Returns the directory's start.
 */
function checkDirectory(directory: CentralDirectory, entries: number, directoryEnd: number): number {
  if (directory.diskNumber !== 0 || directory.diskStart !== 0) throw zipCorrupt('multi-disk archive');
  if (directory.numberOfRecords !== entries || directory.files.length !== entries) {
    throw zipCorrupt('entry count differs between end records');
  }
  const start = directory.offsetToStartOfCentralDirectory;
  const size = directory.sizeOfCentralDirectory;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(size) || start + size > directoryEnd) {
    throw zipCorrupt('central directory lies outside the file');
  }
  const parsed = directory.files.reduce((sum, file) => sum + recordLength(file), 0);
  if (parsed !== size) throw zipCorrupt('central directory size differs from its records', { size, parsed });
  return start;
}

function byteLimits(records: readonly ZipRecord[], directoryStart: number): number[] {
  const sorted = [...records].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  const limits: number[] = [];
  sorted.forEach((r, i) => {
    limits[r.index] = sorted[i + 1]?.localHeaderOffset ?? directoryStart;
  });
  return limits;
}
