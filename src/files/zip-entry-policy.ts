import { ValidationError } from '../common/errors/app-error';
import { hasControlChars, MAX_NAME_BYTES, MAX_RELATIVE_PATH_BYTES } from './path-confinement';
import { ratioCeiling, ratioExceeded, tooLarge, tooManyEntries, UploadLimits } from './zip-limits';
import { ZipRecord } from './zip-record';

export interface PlannedFile {
  record: ZipRecord;
  /** Path below the staging tree, target prefix included. */
  segments: string[];
  name: string;
  mode: 0o644 | 0o755;
}

export interface ExtractionPlan {
  files: PlannedFile[];
  /** Every directory to create (explicit entries and implied parents), parents before children. */
  directories: string[][];
}

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;
const HOST_UNIX = 3;
const MSDOS_DIRECTORY = 0x10;
const SUPPORTED_METHODS = new Set([0, 8]);

/**
 * Decides, before a byte is written, whether every entry of the archive may be extracted and where:
 * names are checked as strings (no `..`, absolute, backslash, drive letter, control character),
 * types from the unix mode (no symlinks or devices), clashes between entries, and the declared
 * sizes against the limits. The streaming checks in EntryMeter then hold the archive to its word.
 */
export function planExtraction(
  records: readonly ZipRecord[],
  limits: UploadLimits,
  prefix: readonly string[],
): ExtractionPlan {
  if (records.length > limits.maxEntries) throw tooManyEntries(records.length, limits.maxEntries);
  const kinds = new Map<string, 'file' | 'directory'>();
  const files: PlannedFile[] = [];
  let declared = 0;
  for (const record of records) {
    const { name, segments } = entryPath(record, prefix);
    const type = entryType(record, name);
    claimParents(kinds, segments, name);
    if (type === 'directory') {
      claim(kinds, segments, 'directory', name);
      continue;
    }
    if (record.flags & 0x41) throw unsafe('ZIP_ENCRYPTED', name, 'Encrypted entries are not supported');
    if (!SUPPORTED_METHODS.has(record.method)) {
      throw unsafe('ZIP_UNSUPPORTED_METHOD', name, `Compression method ${record.method} is not supported`);
    }
    claim(kinds, segments, 'file', name);
    declared += record.uncompressedSize;
    if (declared > limits.maxUncompressedBytes) throw tooLarge(limits.maxUncompressedBytes);
    if (record.uncompressedSize > ratioCeiling(record.compressedSize, limits.maxRatio)) {
      throw ratioExceeded(name, limits.maxRatio);
    }
    files.push({ record, segments, name, mode: isExecutable(record) ? 0o755 : 0o644 });
  }
  const directories = [...kinds.entries()]
    .filter(([, kind]) => kind === 'directory')
    .map(([key]) => key.split('/'))
    .sort((a, b) => a.length - b.length);
  return { files, directories };
}

/** An entry's checked name, and where it goes below the staging tree: its components after `prefix`. */
export function entryPath(
  record: Pick<ZipRecord, 'name' | 'index'>,
  prefix: readonly string[],
): { name: string; segments: string[] } {
  const name = checkedName(record);
  const segments = [...prefix, ...splitName(name)];
  if (Buffer.byteLength(segments.join('/')) > MAX_RELATIVE_PATH_BYTES) throw nameTooLong(name);
  return { name, segments };
}

function checkedName(record: Pick<ZipRecord, 'name' | 'index'>): string {
  const name = record.name;
  if (name === null) throw unsafe('ZIP_UNSAFE_ENTRY', `#${record.index}`, 'Entry name is not valid UTF-8');
  if (hasControlChars(name)) throw unsafe('ZIP_UNSAFE_ENTRY', name, 'Entry name contains NUL or control characters');
  if (name.includes('\\')) throw unsafe('ZIP_UNSAFE_ENTRY', name, 'Entry name contains a backslash');
  if (name.startsWith('/')) throw unsafe('ZIP_UNSAFE_ENTRY', name, 'Entry name is an absolute path');
  if (/^[A-Za-z]:/.test(name)) throw unsafe('ZIP_UNSAFE_ENTRY', name, 'Entry name starts with a drive letter');
  const segments = splitName(name);
  if (segments.length === 0 || segments.some((s) => s === '' || s === '.' || s === '..')) {
    throw unsafe('ZIP_UNSAFE_ENTRY', name, 'Entry name has an empty, "." or ".." component');
  }
  if (segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES)) throw nameTooLong(name);
  return name;
}

/** Splits an entry name; one trailing `/` marks a directory and is not a component. */
function splitName(name: string): string[] {
  const trimmed = name.endsWith('/') ? name.slice(0, -1) : name;
  return trimmed === '' ? [] : trimmed.split('/');
}

function entryType(record: ZipRecord, name: string): 'file' | 'directory' {
  const unixType = unixMode(record) & S_IFMT;
  if (unixType === S_IFLNK) {
    throw unsafe('ZIP_SYMLINK_ENTRY', name, 'Symlink entries are not allowed');
  }
  if (unixType !== 0 && unixType !== S_IFREG && unixType !== S_IFDIR) {
    throw unsafe('ZIP_UNSAFE_ENTRY', name, 'Device, FIFO and socket entries are not allowed');
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

function claimParents(kinds: Map<string, 'file' | 'directory'>, segments: string[], name: string): void {
  for (let i = 1; i < segments.length; i += 1) claim(kinds, segments.slice(0, i), 'directory', name);
}

function claim(
  kinds: Map<string, 'file' | 'directory'>,
  segments: string[],
  kind: 'file' | 'directory',
  name: string,
): void {
  const key = segments.join('/');
  const existing = kinds.get(key);
  if (existing === 'file' || (existing === 'directory' && kind === 'file')) {
    throw new ValidationError(
      'ZIP_PATH_CLASH',
      `"${key}" appears in the archive twice, or as both file and directory`,
      {
        entry: name,
        path: key,
      },
    );
  }
  kinds.set(key, kind);
}

function nameTooLong(name: string): ValidationError {
  return new ValidationError('ZIP_NAME_TOO_LONG', 'An entry name is too long', {
    entry: name.slice(0, 128),
    max_name_bytes: MAX_NAME_BYTES,
    max_path_bytes: MAX_RELATIVE_PATH_BYTES,
  });
}

function unsafe(code: string, name: string, message: string): ValidationError {
  return new ValidationError(code, `${message}: ${JSON.stringify(name.slice(0, 128))}`, { entry: name.slice(0, 128) });
}
