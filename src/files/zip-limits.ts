import { Transform, TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';
import { PayloadTooLargeError } from '../common/errors/app-error';
import { zipCorrupt } from './zip-errors';
import { EntryFacts } from './zip-record';
import { FilesErrorCode } from './files.errors';

export interface UploadLimits {
  maxBytes: number;
  maxUncompressedBytes: number;
  /** Files and directories, the directories that names only imply included. */
  maxEntries: number;
  /** Per entry and for the archive as a whole. */
  maxRatio: number;
  /** Components of an entry's path below /app, the target path included. */
  maxPathDepth: number;
  /** Bytes of an entry's path below /app, the target path included. */
  maxPathBytes: number;
}

/**
 * Below this an entry (or a whole archive) may inflate at any ratio: a few KiB of repeated text
 * legitimately compress a thousandfold, and cannot hurt. Above it the ratio limit applies.
 */
export const RATIO_GRACE_BYTES = 1024 * 1024;

export function ratioCeiling(compressedSize: number, maxRatio: number): number {
  return Math.max(RATIO_GRACE_BYTES, compressedSize * maxRatio);
}

export function tooManyEntries(count: number, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(
    FilesErrorCode.ZIP_TOO_MANY_ENTRIES,
    `The archive has more than ${limit} entries (directories its names imply included)`,
    { limit, entries: count },
  );
}

export function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(FilesErrorCode.ZIP_TOO_LARGE, `The archive expands to more than ${limit} bytes`, {
    limit_bytes: limit,
  });
}

export function ratioExceeded(entry: string, limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(FilesErrorCode.ZIP_RATIO_EXCEEDED, `Entry "${entry}" expands more than ${limit}:1`, {
    entry,
    scope: 'entry',
    max_ratio: limit,
  });
}

/** The same code as one entry's: many entries, each within the limit, that add up to a bomb. */
export function archiveRatioExceeded(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(FilesErrorCode.ZIP_RATIO_EXCEEDED, `The archive expands more than ${limit}:1`, {
    scope: 'archive',
    max_ratio: limit,
  });
}

/**
 * The inflated bytes one upload may still produce, shared by all its entries: no more than the
 * total limit, nor than the ratio limit allows for the archive's stored bytes (`storedBytes`: the
 * whole body, or as much of it as has arrived).
 */
export class InflateBudget {
  private spent = 0;

  constructor(
    private readonly limits: Pick<UploadLimits, 'maxUncompressedBytes' | 'maxRatio'>,
    private readonly storedBytes: () => number,
  ) {}

  spend(bytes: number): void {
    this.spent += bytes;
    if (this.spent > this.limits.maxUncompressedBytes) throw tooLarge(this.limits.maxUncompressedBytes);
    if (this.spent > ratioCeiling(this.storedBytes(), this.limits.maxRatio)) {
      throw archiveRatioExceeded(this.limits.maxRatio);
    }
  }

  get total(): number {
    return this.spent;
  }
}

/**
 * Sits between the inflater and the file: counts what really comes out, because every size in the
 * archive is the sender's claim. Nothing past the declared size reaches the disk; inflating goes on
 * only to tell a bomb (limits) from a merely corrupt entry, and the limits bound that work. At the
 * end, size and CRC must match the central directory.
 */
export class EntryMeter extends Transform {
  private produced = 0;
  private crc = 0;

  constructor(
    private readonly record: EntryFacts,
    private readonly entryName: string,
    private readonly budget: InflateBudget,
    private readonly maxRatio: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    try {
      this.produced += chunk.length;
      this.budget.spend(chunk.length);
      if (this.produced > ratioCeiling(this.record.compressedSize, this.maxRatio)) {
        throw ratioExceeded(this.entryName, this.maxRatio);
      }
      if (this.produced <= this.record.uncompressedSize) {
        this.crc = crc32(chunk, this.crc);
        this.push(chunk);
      }
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    if (this.produced !== this.record.uncompressedSize) {
      done(zipCorrupt('entry size differs from the central directory', { entry: this.entryName }));
    } else if (this.crc !== this.record.crc32) {
      done(zipCorrupt('entry CRC mismatch', { entry: this.entryName }));
    } else {
      done();
    }
  }
}
