import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { zipCorrupt } from './zip-errors';

/** Bytes per read: large enough that a big entry costs few reads, small enough to keep memory flat. */
const CHUNK = 256 * 1024;

/**
 * The spooled archive as unzipper's `Open.custom` source, and the reader of entry data. unzipper's
 * own file source opens one descriptor per stream and never closes one abandoned part-way; here
 * every stream reads from the single handle this source owns, so close() releases everything.
 */
export class FileSource {
  private readonly live = new Set<Readable>();
  private failure: unknown;

  constructor(
    readonly file: FileHandle,
    private readonly bytes: number,
  ) {}

  size(): Promise<number> {
    return Promise.resolve(this.bytes);
  }

  /** `length` bytes from `offset`, or the rest of the file without a length (as unzipper asks). */
  stream(offset: number, length?: number): Readable {
    // An offset read from a hostile field (negative, NaN) gets no bytes, so unzipper fails as on a short file.
    const start = Number.isSafeInteger(offset) && offset >= 0 ? Math.min(offset, this.bytes) : this.bytes;
    const end = length === undefined ? this.bytes : Math.min(start + Math.max(0, length), this.bytes);
    const stream = new RangeStream(this.file, start, end, (err) => {
      this.failure ??= err;
    });
    this.live.add(stream);
    stream.once('close', () => this.live.delete(stream));
    return stream;
  }

  /** The first read of the spooled file that failed, if any: an I/O failure, not a corrupt archive. */
  get readError(): unknown {
    return this.failure;
  }

  async close(): Promise<void> {
    for (const stream of this.live) stream.destroy();
    // FileHandle.close waits for reads still in flight.
    await this.file.close();
  }
}

export async function readExactly(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = length === 0 ? { bytesRead: 0 } : await file.read(buffer, 0, length, position);
  if (bytesRead !== length) throw zipCorrupt('unexpected end of archive');
  return buffer;
}

/**
 * Positional reads of [position, end) on the shared handle: no descriptor per stream, and no
 * listener on the handle per stream (fs streams built on a FileHandle add one) for thousands of entries.
 */
class RangeStream extends Readable {
  constructor(
    private readonly file: FileHandle,
    private position: number,
    private readonly end: number,
    private readonly onReadError: (err: unknown) => void,
  ) {
    super({ highWaterMark: CHUNK });
  }

  override _read(): void {
    const want = Math.min(CHUNK, this.end - this.position);
    if (want <= 0) {
      this.push(null);
      return;
    }
    const buffer = Buffer.allocUnsafe(want);
    void this.file.read(buffer, 0, want, this.position).then(
      ({ bytesRead }) => {
        if (this.destroyed) return;
        this.position += bytesRead;
        this.push(bytesRead === 0 ? null : buffer.subarray(0, bytesRead));
      },
      (err: unknown) => {
        // Never an 'error' event: unzipper listens for none on its source streams, so one would
        // crash the process. Ending early makes unzipper fail the read as truncated (never wait);
        // the recorded error lets the caller report what really happened.
        this.onReadError(err);
        if (!this.destroyed) this.push(null);
      },
    );
  }
}
