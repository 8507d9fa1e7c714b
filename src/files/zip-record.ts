import type { File } from 'unzipper';
import { zipCorrupt } from './zip-errors';

/** What an archive claims about one entry's data; every field is checked against what really comes out. */
export interface EntryFacts {
  method: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
}

/** One central-directory record: what the archive says about an entry (not yet believed). */
export interface ZipRecord extends EntryFacts {
  index: number;
  rawName: Buffer;
  /** UTF-8 name, or null when the bytes are not valid UTF-8. */
  name: string | null;
  flags: number;
  localHeaderOffset: number;
  madeBy: number;
  externalAttributes: number;
  modified: Date | null;
}

const SIG_CENTRAL = 0x02014b50;
const CENTRAL_SIZE = 46;

/**
 * Takes a record as unzipper parsed it, refusing what unzipper lets through: it checks no record
 * signature (so a lying entry count parses whatever bytes follow as records), and leaves a zip64
 * size undefined when its extra field is missing, or rounded when it is past 2^53.
 */
export function toZipRecord(file: File, index: number): ZipRecord {
  if (file.signature !== SIG_CENTRAL) throw zipCorrupt('bad central directory record', { entry: index });
  if (file.diskNumber !== 0 && file.diskNumber !== 0xffff) throw zipCorrupt('multi-disk archive', { entry: index });
  for (const value of [file.compressedSize, file.uncompressedSize, file.offsetToLocalFileHeader]) {
    if (!Number.isSafeInteger(value) || value < 0) throw zipCorrupt('bad or missing zip64 field', { entry: index });
  }
  return {
    index,
    rawName: file.pathBuffer,
    name: decodeName(file.pathBuffer),
    flags: file.flags,
    method: file.compressionMethod,
    crc32: file.crc32,
    compressedSize: file.compressedSize,
    uncompressedSize: file.uncompressedSize,
    localHeaderOffset: file.offsetToLocalFileHeader,
    madeBy: file.versionMadeBy,
    externalAttributes: file.externalFileAttributes,
    modified: dosDate(file.lastModifiedDate, file.lastModifiedTime),
  };
}

/** Bytes the record takes in the central directory, to prove the records fill it exactly. */
export function recordLength(file: File): number {
  return CENTRAL_SIZE + file.fileNameLength + file.extraFieldLength + file.fileCommentLength;
}

// unzipper decodes names leniently (bad bytes become U+FFFD); a name must be exactly what it says.
const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeName(raw: Buffer): string | null {
  try {
    return utf8.decode(raw);
  } catch {
    return null;
  }
}

/** unzipper reads DOS times as UTC and never refuses one; like unzip, read them as local time. */
export function dosDate(date: number, time: number): Date | null {
  const month = (date >> 5) & 0x0f;
  const day = date & 0x1f;
  if (month < 1 || month > 12 || day < 1) return null;
  return new Date((date >> 9) + 1980, month - 1, day, time >> 11, (time >> 5) & 0x3f, (time & 0x1f) * 2);
}
