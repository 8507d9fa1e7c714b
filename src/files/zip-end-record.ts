import type { FileHandle } from 'node:fs/promises';
import { zipCorrupt } from './zip-errors';
import { readExactly } from './zip-file-source';

export interface EndRecord {
  /** Where the end record starts. */
  offset: number;
  /** Entries the archive declares. */
  entries: number;
  /** Where the central directory must end: the end record, or the zip64 end record before it. */
  directoryEnd: number;
}

const SIG_END = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
const SIG_END64 = 0x06064b50;
const SIG_LOCATOR64 = 0x07064b50;
const END_SIZE = 22;
const LOCATOR_SIZE = 20;
const END64_SIZE = 56;
const MAX_COMMENT = 0xffff;

/**
 * Finds the end record and the entry count the archive declares, before unzipper sees the file:
 * unzipper allocates a promise per declared record up front (a 98-byte zip64 file declaring 10^8
 * entries exhausts the heap), so the limit must be applied first. The record is the last end
 * signature whose comment ends the file exactly (a comment may hold anything, even a signature);
 * ZipArchive then points unzipper at this very record, whose own search would stop at the first
 * signature in its 80-byte tail.
 */
export async function readEndRecord(file: FileHandle, size: number): Promise<EndRecord> {
  const tailStart = Math.max(0, size - END_SIZE - MAX_COMMENT);
  const tail = await readExactly(file, tailStart, size - tailStart);
  let at = tail.lastIndexOf(SIG_END, tail.length - END_SIZE);
  while (at >= 0 && at + END_SIZE + tail.readUInt16LE(at + 20) !== tail.length) {
    at = at === 0 ? -1 : tail.lastIndexOf(SIG_END, at - 1);
  }
  if (at < 0) throw zipCorrupt('end of central directory not found');
  const endOffset = tailStart + at;
  const entries = tail.readUInt16LE(at + 10);
  // unzipper's test for zip64 (the same as Go's): any of these fields saturated.
  if (tail.readUInt16LE(at + 4) !== 0xffff && entries !== 0xffff && tail.readUInt32LE(at + 16) !== 0xffffffff) {
    return { offset: endOffset, entries, directoryEnd: endOffset };
  }
  if (endOffset < LOCATOR_SIZE) throw zipCorrupt('zip64 locator missing');
  const locator = await readExactly(file, endOffset - LOCATOR_SIZE, LOCATOR_SIZE);
  if (locator.readUInt32LE(0) !== SIG_LOCATOR64) throw zipCorrupt('zip64 locator missing');
  const end64Offset = u64(locator, 8);
  if (end64Offset + END64_SIZE > endOffset - LOCATOR_SIZE) throw zipCorrupt('zip64 end record outside the file');
  const end64 = await readExactly(file, end64Offset, END64_SIZE);
  if (end64.readUInt32LE(0) !== SIG_END64) throw zipCorrupt('bad zip64 end record');
  return { offset: endOffset, entries: u64(end64, 32), directoryEnd: end64Offset };
}

function u64(buf: Buffer, at: number): number {
  const value = buf.readBigUInt64LE(at);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw zipCorrupt('64-bit field out of range');
  return Number(value);
}
