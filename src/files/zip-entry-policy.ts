import { setImmediate } from 'node:timers/promises';
import { ValidationError } from '../common/errors/app-error';
import { hasControlChars, MAX_NAME_BYTES } from './path-confinement';
import { EntryKind, EntryTree } from './zip-entry-tree';
import {
  archiveRatioExceeded,
  ratioCeiling,
  ratioExceeded,
  tooLarge,
  tooManyEntries,
  UploadLimits,
} from './zip-limits';
import { ZipRecord } from './zip-record';
import { FilesErrorCode } from './files.errors';
import type { ErrorCode } from '../common/errors/error-codes';

export interface PlannedFile {
  record: ZipRecord;
  /** Path below the staging tree, target prefix included. */
  segments: readonly string[];
  name: string;
  mode: 0o644 | 0o755;
}

export interface ExtractionPlan {
  files: PlannedFile[];
  /** Every directory to create (explicit entries and implied parents), parents before children. */
  directories: (readonly string[])[];
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const HOST_UNIX = 3;
const MSDOS_DIRECTORY = 0x10;
const SUPPORTED_METHODS = new Set([0, 8]);

/** Records checked between yields to the event loop: a directory of 100,000 entries must not stall other requests. */
const RECORDS_PER_TURN = 1024;

/**
 * Decides, before a byte is written, whether every entry of the archive may be extracted and where:
 * names are checked as strings (no `..`, absolute, backslash, drive letter, control character),
 * types from the unix mode (no symlinks or devices), the tree they add up to (EntryTree: clashes,
 * depth, length, entries with the directories they imply), and the declared sizes against the
 * limits, per entry and for the archive of `archiveBytes` as a whole. The streaming checks in
 * EntryMeter and InflateBudget then hold the archive to its word.
 */
export async function planExtraction(
  records: readonly ZipRecord[],
  limits: UploadLimits,
  prefix: readonly string[],
  archiveBytes: number,
): Promise<ExtractionPlan> {
  if (records.length > limits.maxEntries) throw tooManyEntries(records.length, limits.maxEntries);
  const tree = new EntryTree(limits, prefix);
  const files: PlannedFile[] = [];
  let declared = 0;
  for (const record of records) {
    if (record.index % RECORDS_PER_TURN === RECORDS_PER_TURN - 1) await setImmediate();
    const { name, components } = checkedEntry(record);
    const type = entryType(record, name);
    const node = tree.add(components, type, name);
    if (type === 'directory') continue;
    if (record.flags & 0x41) throw unsafe(FilesErrorCode.ZIP_ENCRYPTED, name, 'Encrypted entries are not supported');
    if (!SUPPORTED_METHODS.has(record.method)) {
      throw unsafe(FilesErrorCode.ZIP_UNSUPPORTED_METHOD, name, `Compression method ${record.method} is not supported`);
    }
    declared += record.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) throw tooLarge(limits.maxUncompressedBytes);
    if (record.uncompressedSize > ratioCeiling(record.compressedSize, limits.maxRatio)) {
      throw ratioExceeded(name, limits.maxRatio);
    }
    files.push({ record, segments: node.segments, name, mode: isExecutable(record) ? 0o755 : 0o644 });
  }
  if (declared > ratioCeiling(archiveBytes, limits.maxRatio)) throw archiveRatioExceeded(limits.maxRatio);
  return { files, directories: tree.directories.map((dir) => dir.segments) };
}

/** An entry's checked name, and its components (a trailing `/` marks a directory and is not one). */
export function checkedEntry(record: Pick<ZipRecord, 'name' | 'index'>): { name: string; components: string[] } {
  const name = record.name;
  if (name === null) throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, `#${record.index}`, 'Entry name is not valid UTF-8');
  if (hasControlChars(name))
    throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, name, 'Entry name contains NUL or control characters');
  if (name.includes('\\')) throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, name, 'Entry name contains a backslash');
  if (name.startsWith('/')) throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, name, 'Entry name is an absolute path');
  if (/^[A-Za-z]:/.test(name))
    throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, name, 'Entry name starts with a drive letter');
  const components = splitName(name);
  if (components.length === 0 || components.some((s) => s === '' || s === '.' || s === '..')) {
    throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, name, 'Entry name has an empty, "." or ".." component');
  }
  if (components.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES)) throw nameTooLong(name);
  return { name, components };
}

/** Splits an entry name; one trailing `/` marks a directory and is not a component. */
function splitName(name: string): string[] {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  return trimmed === '' ? [] : trimmed.split('/');
}

function entryType(record: ZipRecord, name: string): EntryKind {
  const unixType = unixMode(record) & S_IFMT;
  if (unixType === S_IFLNK) {
    throw unsafe(FilesErrorCode.ZIP_SYMLINK_ENTRY, name, 'Symlink entries are not allowed');
  }
  if (unixType !== 0 && unixType !== S_IFREG && unixType !== S_IFDIR) {
    throw unsafe(FilesErrorCode.ZIP_UNSAFE_ENTRY, name, 'Device, FIFO and socket entries are not allowed');
  }
  const dosDirectory = record.madeBy >> 8 === 0 && (record.externalAttributes & MSDOS_DIRECTORY) !== 0;
  return name.endsWith('/') || unixType === S_IFDIR || dosDirectory ? 'directory' : 'file';
}

function unixMode(record: ZipRecord): number {
  return record.madeBy >> 8 === HOST_UNIX ? record.externalAttributes >>> 16 : 0;
}

function isExecutable(record: ZipRecord): boolean {
  return (unixMode(record) & 0o111) !== 0;
}

function nameTooLong(name: string): ValidationError {
  return new ValidationError(FilesErrorCode.ZIP_NAME_TOO_LONG, 'An entry name is too long', {
    entry: name.slice(0, 128),
    max_name_bytes: MAX_NAME_BYTES,
  });
}

function unsafe(code: ErrorCode, name: string, message: string): ValidationError {
  return new ValidationError(code, `${message}: ${JSON.stringify(name.slice(0, 128))}`, { entry: name.slice(0, 128) });
}
