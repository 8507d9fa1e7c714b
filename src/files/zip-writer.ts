import { once } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { constants, crc32, deflateRaw, deflateRawSync, type ZlibOptions } from 'node:zlib';
import { centralRecord, dataDescriptor, endRecords, localHeader, OutEntry } from './zip-out-records';

const deflate = promisify<Buffer, ZlibOptions, Buffer>(deflateRaw);

/** A file is read, and deflated, in pieces of this size; a file no larger is one piece with its sizes up front. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Pieces read ahead of the one being written, each deflating on the threadpool meanwhile: two
 * cores are busy, and of libuv's four threads one stays free for the rest of the service's file calls.
 */
const READ_AHEAD = 3;

/**
 * Files up to this size are deflated on the event loop. On the threadpool each `deflateRaw` is a
 * stream and two thread hand-offs, about 150 µs of CPU, where deflating a source file of a few KiB
 * takes 15–20 µs: for a tree of small files that overhead was most of the archive's time. This size
 * deflates in a fraction of a millisecond, so other requests barely wait.
 */
const INLINE_DEFLATE_BYTES = 32 * 1024;

/**
 * Output smaller than this is held and sent with what follows: a response write is a syscall and a
 * trip through the TCP stack, and a tree of small files wrote a few hundred bytes at a time.
 */
const WRITE_BYTES = 64 * 1024;

/** Central directory records per write. */
const DIRECTORY_BATCH = 1024;

/** The level `zip -r` uses by default. */
const LEVEL = 6;

/** Entries from this size get zip64 sizes up front: deflate may grow incompressible data a little. */
const ZIP64_ENTRY_BYTES = 0xf0000000;

/** A piece that deflates to more than this share of its size is not worth deflating: the next ones are stored... */
const INCOMPRESSIBLE = 0.97;
/** ...as stored deflate blocks, except every this many, which try deflate again. */
const PROBE_EVERY = 16;

/** Already compressed: stored as they are, which is quicker and no larger (what `zip -n` does). */
const COMPRESSED = new Set(
  (
    '7z apk avif br bz2 docx epub gif gz heic jar jpeg jpg lz lz4 lzma m4a mkv mov mp3 mp4 odt ogg opus png ' +
    'pptx rar tbz2 tgz txz webm webp whl woff woff2 xlsx xz zip zst'
  ).split(' '),
);

export interface ZipEntryInfo {
  name: string;
  mode: number;
  modified: Date;
}

/** One piece of output, written in turn once `ready` has settled; `bytes` may read what earlier pieces recorded. */
interface Piece {
  ready: Promise<unknown>;
  bytes: () => Buffer;
  written?: (offset: number, length: number) => void;
}

/**
 * Writes a standard zip to `out` as entries are added, in order, with bounded memory: up to
 * READ_AHEAD pieces of 1 MiB are read and deflating on the threadpool while the oldest is written,
 * so a big file deflates on both cores although the output is one sequential stream. A big file's
 * pieces are deflated independently (each ended by a sync flush, the last by a final block, as pigz
 * does), which concatenate into one valid deflate stream. Small files are read whole and get their
 * sizes in the local header; a file that does not shrink is stored. Waits on `out` (backpressure)
 * and gives up when `signal` aborts.
 */
export class ZipWriter {
  private readonly pending: Piece[] = [];
  private readonly entries: OutEntry[] = [];
  private offset = 0;
  /** Output not written yet, less than WRITE_BYTES of it. */
  private held: Buffer[] = [];
  private heldBytes = 0;

  constructor(
    private readonly out: Writable,
    private readonly signal: AbortSignal,
  ) {}

  async directory(info: ZipEntryInfo): Promise<void> {
    const entry = this.entry(`${info.name}/`, info, true, 0, false);
    const header = localHeader(entry);
    await this.push({ ready: Promise.resolve(), bytes: () => header, written: (at) => (entry.offset = at) });
  }

  /** Adds the first `size` bytes of an open file (fewer if it ends sooner). Done with the handle on return. */
  async file(info: ZipEntryInfo, handle: FileHandle, size: number): Promise<void> {
    const deflated = !COMPRESSED.has(extensionOf(info.name));
    if (size <= CHUNK_BYTES) return this.smallFile(info, handle, size, deflated);
    const entry = this.entry(info.name, info, false, deflated ? 8 : 0, true);
    entry.zip64 = size >= ZIP64_ENTRY_BYTES;
    const header = localHeader(entry);
    await this.push({ ready: Promise.resolve(), bytes: () => header, written: (at) => (entry.offset = at) });
    let level = LEVEL;
    for (let position = 0, piece = 0, last = false; !last; piece += 1) {
      this.signal.throwIfAborted();
      const data = await readPiece(handle, position, Math.min(CHUNK_BYTES, size - position));
      position += data.length;
      last = position >= size || data.length < CHUNK_BYTES;
      entry.crc32 = crc32(data, entry.crc32);
      entry.uncompressedSize = position;
      const probe = level === 0 && piece % PROBE_EVERY === 0;
      const flush = last ? constants.Z_FINISH : constants.Z_SYNC_FLUSH;
      const output = deflated
        ? deflate(data, { level: probe ? LEVEL : level, finishFlush: flush })
        : Promise.resolve(data);
      if (deflated) {
        void output.then(
          (bytes) => {
            if (probe || level === LEVEL) level = bytes.length > data.length * INCOMPRESSIBLE ? 0 : LEVEL;
          },
          () => undefined,
        );
      }
      let result = data;
      await this.push({
        ready: output.then((bytes) => (result = bytes)),
        bytes: () => result,
        written: (_at, length) => (entry.compressedSize += length),
      });
    }
    await this.push({ ready: Promise.resolve(), bytes: () => dataDescriptor(entry) });
  }

  /** Writes what is still queued, the central directory and the end records. */
  async finish(): Promise<void> {
    while (this.pending.length > 0) await this.writeOldest();
    const start = this.offset;
    for (let i = 0; i < this.entries.length; i += DIRECTORY_BATCH) {
      await this.write(Buffer.concat(this.entries.slice(i, i + DIRECTORY_BATCH).map(centralRecord)));
    }
    await this.write(endRecords(this.entries.length, start, this.offset - start));
    await this.writeHeld();
  }

  private async smallFile(info: ZipEntryInfo, handle: FileHandle, size: number, deflated: boolean): Promise<void> {
    const data = await readPiece(handle, 0, size);
    const entry = this.entry(info.name, info, false, 0, false);
    entry.crc32 = crc32(data);
    entry.uncompressedSize = data.length;
    let stored: Buffer = data;
    const keepSmaller = (bytes: Buffer): void => {
      if (bytes.length >= data.length) return;
      stored = bytes;
      entry.method = 8;
    };
    let ready: Promise<void> = Promise.resolve();
    if (deflated && data.length > 0) {
      if (data.length <= INLINE_DEFLATE_BYTES) keepSmaller(deflateRawSync(data, { level: LEVEL }));
      else ready = deflate(data, { level: LEVEL }).then(keepSmaller);
    }
    await this.push({
      ready,
      bytes: () => {
        entry.compressedSize = stored.length;
        return Buffer.concat([localHeader(entry), stored]);
      },
      written: (at) => (entry.offset = at),
    });
  }

  private entry(name: string, info: ZipEntryInfo, directory: boolean, method: 0 | 8, descriptor: boolean): OutEntry {
    const entry: OutEntry = {
      rawName: Buffer.from(name, 'utf8'),
      directory,
      mode: info.mode,
      modified: info.modified,
      method,
      descriptor,
      zip64: false,
      crc32: 0,
      compressedSize: 0,
      uncompressedSize: 0,
      offset: 0,
    };
    this.entries.push(entry);
    return entry;
  }

  private async push(piece: Piece): Promise<void> {
    // Observed when its turn comes; until then a failure must not count as unhandled.
    piece.ready.catch(() => undefined);
    this.pending.push(piece);
    while (this.pending.length > READ_AHEAD) await this.writeOldest();
  }

  private async writeOldest(): Promise<void> {
    const piece = this.pending[0] as Piece;
    await piece.ready;
    this.pending.shift();
    const bytes = piece.bytes();
    piece.written?.(this.offset, bytes.length);
    await this.write(bytes);
  }

  private async write(bytes: Buffer): Promise<void> {
    this.signal.throwIfAborted();
    this.offset += bytes.length;
    if (bytes.length === 0) return;
    if (bytes.length >= WRITE_BYTES) {
      // A large piece goes out as it is, after what is held: no copy of it.
      await this.writeHeld();
      await this.send(bytes);
      return;
    }
    this.held.push(bytes);
    this.heldBytes += bytes.length;
    if (this.heldBytes >= WRITE_BYTES) await this.writeHeld();
  }

  private async writeHeld(): Promise<void> {
    if (this.heldBytes === 0) return;
    const bytes = this.held.length === 1 ? (this.held[0] as Buffer) : Buffer.concat(this.held, this.heldBytes);
    this.held = [];
    this.heldBytes = 0;
    await this.send(bytes);
  }

  private async send(bytes: Buffer): Promise<void> {
    if (!this.out.write(bytes)) await once(this.out, 'drain', { signal: this.signal });
  }
}

/** Reads up to `length` bytes from `position`; fewer only where the file ends. */
async function readPiece(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length);
  let filled = 0;
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === length ? buffer : buffer.subarray(0, filled);
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : '';
}
