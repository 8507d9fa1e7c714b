import { open } from 'node:fs/promises';
import { CentralDirectory, File, Open } from 'unzipper';
import { readEndRecord } from './zip-end-record';
import { EntryData } from './zip-entry-data';
import { unzipperFailure, zipCorrupt } from './zip-errors';
import { FileSource, readExactly } from './zip-file-source';
import { tooManyEntries } from './zip-limits';
import { recordLength, toZipRecord, ZipRecord } from './zip-record';

const SIG_LOCAL = 0x04034b50;
const LOCAL_SIZE = 30;

/**
 * A spooled upload read with unzipper, which parses the central directory (the only place the real
 * sizes are, even when a streaming zipper used data descriptors) and inflates entries. Around it,
 * the checks unzipper does not make: the declared entry count before it allocates per record, a
 * directory whose records fill it exactly, entries that share no bytes, local headers that agree
 * with the directory. Every stream reads a local file of known size, so nothing ever waits.
 */
export class ZipArchive {
  private constructor(
    private readonly source: FileSource,
    private readonly files: readonly File[],
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
      const directory = await parse(source);
      const records = directory.files.map(toZipRecord);
      const start = checkDirectory(directory, end.entries, end.directoryEnd);
      return new ZipArchive(source, directory.files, records, byteLimits(records, start));
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
      if (r.localHeaderOffset + LOCAL_SIZE + r.rawName.length + r.compressedSize > (this.limits[r.index] ?? 0)) {
        throw zipCorrupt('entries overlap or run into the central directory', { entry: r.index });
      }
    }
  }

  /** The entry's data, once its local header agrees with the central directory. */
  async openEntry(record: ZipRecord): Promise<EntryData> {
    const { file } = this.source;
    const header = await readExactly(file, record.localHeaderOffset, LOCAL_SIZE);
    if (header.readUInt32LE(0) !== SIG_LOCAL) throw zipCorrupt('bad local header', { entry: record.index });
    const nameLength = header.readUInt16LE(26);
    const localName = await readExactly(file, record.localHeaderOffset + LOCAL_SIZE, nameLength);
    if (!localName.equals(record.rawName)) throw zipCorrupt('local and central names differ', { entry: record.index });
    const dataEnd =
      record.localHeaderOffset + LOCAL_SIZE + nameLength + header.readUInt16LE(28) + record.compressedSize;
    if (dataEnd > (this.limits[record.index] ?? 0))
      throw zipCorrupt('entry data is cut short', { entry: record.index });
    // For a record of 0 stored bytes unzipper trusts the local header's sizes and method instead,
    // which nothing has checked; there is nothing to inflate, and deflate data is never 0 bytes.
    if (record.compressedSize === 0) {
      if (record.method === 8) throw zipCorrupt('invalid compressed data', { entry: record.index });
      return EntryData.empty(record);
    }
    const entry = this.files[record.index];
    if (!entry) throw zipCorrupt('no such entry', { entry: record.index });
    return new EntryData(entry.stream(), record, () => this.source.readError);
  }

  /** Releases the file, and with it every stream unzipper left open. */
  close(): Promise<void> {
    return this.source.close();
  }
}

async function parse(source: FileSource): Promise<CentralDirectory> {
  try {
    return await Open.custom(source);
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
