import { Readable } from 'node:stream';
import { AppError } from '../common/errors/app-error';
import { unzipperFailure, zipCorrupt } from './zip-errors';
import { ZipRecord } from './zip-record';

/**
 * One entry's data as unzipper inflates it, plus what unzipper does not tell: which errors came
 * from the archive rather than the disk, and whether its inflater used up exactly the stored bytes
 * (a deflate stream that ends early means the sizes in the archive lie; zlib ignores the rest).
 */
export class EntryData {
  private archiveError: unknown;
  private inflater: { bytesWritten: number } | undefined;

  constructor(
    readonly stream: Readable,
    private readonly record: ZipRecord,
    private readonly readError: () => unknown,
  ) {
    // unzipper forwards its reader's and its inflater's errors to the entry, sometimes both: keep
    // the first, and keep a late one from becoming an 'error' event nobody listens to.
    stream.on('error', (err) => {
      this.archiveError ??= err;
    });
    // unzipper pipes its inflater into the entry; its byte count is the only view of what it consumed.
    stream.once('pipe', (source: Readable) => {
      if (typeof (source as { bytesWritten?: unknown }).bytesWritten === 'number') {
        this.inflater = source as Readable & { bytesWritten: number };
      }
    });
  }

  /** An empty entry, without asking unzipper (see ZipArchive.openEntry). */
  static empty(record: ZipRecord): EntryData {
    return new EntryData(Readable.from([]), record, () => undefined);
  }

  /** The archive's share of a failed copy, or undefined when the failure was on the writing side. */
  failure(err: unknown): AppError | undefined {
    if (err instanceof AppError) return err;
    return err === this.archiveError ? unzipperFailure(err, this.readError()) : undefined;
  }

  assertFullyInflated(entry: string): void {
    if (this.record.method !== 8 || this.record.compressedSize === 0) return;
    if (this.inflater?.bytesWritten !== this.record.compressedSize) {
      throw zipCorrupt('compressed data ends early', { entry });
    }
  }
}
