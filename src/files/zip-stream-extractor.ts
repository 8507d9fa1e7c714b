import { mkdir } from 'node:fs/promises';
import { once } from 'node:events';
import { PassThrough, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { FileAttributes, Owner, PARALLEL_ENTRIES, writeStreamedFile } from './entry-file';
import { confinedJoin } from './path-confinement';
import { TaskSlots } from './task-slots';
import type { WholeFileWriter } from './whole-file-writer';
import { EntryInflation, fitsWhole, inflateWhole } from './zip-entry-data';
import { checkedEntry, ExtractionPlan } from './zip-entry-policy';
import { EntryTree, TreeNode } from './zip-entry-tree';
import { zipCorrupt } from './zip-errors';
import { InflateBudget, UploadLimits } from './zip-limits';
import { LocalHeader, LOCAL_SIZE, readLocalHeader, SIG_LOCAL } from './zip-local-header';
import { decodeName, dosDate, EntryFacts, ZipRecord } from './zip-record';

/** Files are written with this mode; the few the central directory marks executable are changed after. */
export const STREAMED_FILE_MODE = 0o644;

/** Body bytes this stream buffers before the request is paused, and bytes buffered per big entry. */
const BUFFER_BYTES = 1024 * 1024;

/** A big entry's stored bytes go to its inflater in pieces of this size (see StreamSink). */
const BATCH_BYTES = 1024 * 1024;

/** Signatures that end the run of local entries: central directory, zip64 end record, end record. */
const DIRECTORY_SIGNATURES = new Set([0x02014b50, 0x06064b50, 0x06054b50]);

const SIGNATURE_SIZE = 4;

/** Why streaming stopped short of the central directory: never an answer, only a reason to extract from the spool. */
class CannotStream extends Error {}

interface StreamedEntry {
  rawName: Buffer;
  directory: boolean;
  facts: EntryFacts;
  modified: Date | null;
}

export interface StreamTarget {
  root: string;
  prefix: readonly string[];
  limits: UploadLimits;
  owner: Owner;
  writer: WholeFileWriter;
}

/**
 * What was written while the body arrived, by local header offset. Believed only when it is, entry
 * for entry, what the central directory describes.
 */
export class StreamedTree {
  constructor(
    private readonly entries: ReadonlyMap<number, StreamedEntry>,
    readonly bytes: number,
  ) {}

  matches(records: readonly ZipRecord[], plan: ExtractionPlan): boolean {
    if (this.entries.size !== records.length) return false;
    const files = new Set(plan.files.map((file) => file.record.index));
    return records.every((record) => {
      const entry = this.entries.get(record.localHeaderOffset);
      if (!entry || !entry.rawName.equals(record.rawName) || entry.directory === files.has(record.index)) return false;
      return entry.directory || (sameFacts(entry.facts, record) && sameTime(entry.modified, record.modified));
    });
  }
}

/**
 * Extracts an upload while it arrives, from its local headers, into the staging tree, so the
 * upload costs little more than its slowest part instead of transfer plus extraction. The local
 * headers are not the archive's final word (the central directory is; it comes last), so this is
 * only a head start: ZipExtractor keeps the tree only if it matches the directory, and extracts
 * from the spooled body otherwise. Anything this cannot do exactly (data descriptors, zip64,
 * encryption, a prefix before the first entry) or any doubt (a limit, a bad CRC) stops it quietly;
 * it never fails the upload, so errors always come from the one path that reads the directory.
 * Names are checked before a byte is written, with the same rules and the same EntryTree (depth,
 * length, entries with the directories they imply), and writes never leave the tree.
 */
export class ZipStreamExtractor extends Writable {
  private readonly entries = new Map<number, StreamedEntry>();
  private readonly tree: EntryTree;
  /** Each directory of the tree, once its mkdir has been started. */
  private readonly directories = new Map<TreeNode, Promise<void>>();
  private readonly mkdirs = new TaskSlots(PARALLEL_ENTRIES);
  private readonly tasks = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly budget: InflateBudget;
  private stopReason: unknown;
  private reachedDirectory = false;
  /** Header bytes gathered so far, and how many the current step needs. */
  private head = Buffer.alloc(0);
  private headLength = 0;
  private need = SIGNATURE_SIZE;
  private header: LocalHeader | undefined;
  private data: EntrySink | undefined;
  private position = 0;
  private entryStart = 0;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly target: StreamTarget) {
    super({ highWaterMark: BUFFER_BYTES });
    // Measured against the bytes arrived so far: a bomb stops streaming before it has written much.
    this.budget = new InflateBudget(target.limits, () => this.position);
    this.tree = new EntryTree(target.limits, target.prefix);
    this.directories.set(this.tree.top, this.guard(mkdir(target.root, { mode: 0o700 })));
  }

  /**
   * Waits until nothing is being written. The tree, when it may be the archive's; undefined when
   * streaming stopped short (the body did not end, or see the class comment).
   */
  async result(): Promise<StreamedTree | undefined> {
    if (!this.writableEnded) this.stop(new CannotStream('the body did not arrive whole'));
    else if (!this.writableFinished) await finished(this).catch(() => undefined);
    await this.settle();
    return this.stopReason === undefined && this.reachedDirectory
      ? new StreamedTree(this.entries, this.budget.total)
      : undefined;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.writing = this.consume(chunk).then(
      () => done(),
      (err: unknown) => {
        this.stop(err);
        done();
      },
    );
  }

  override _final(done: (error?: Error | null) => void): void {
    if (!this.reachedDirectory) this.stop(new CannotStream('the body ended before the central directory'));
    void this.settle().then(() => done());
  }

  private get active(): boolean {
    return this.stopReason === undefined && !this.reachedDirectory;
  }

  /** Also after the directory is reached: an entry still being written can fail then. */
  private stop(reason: unknown): void {
    if (this.stopReason !== undefined) return;
    this.stopReason = reason;
    this.abort.abort();
  }

  private async settle(): Promise<void> {
    await this.writing;
    while (this.tasks.size > 0) await Promise.all(this.tasks);
    await Promise.all(this.directories.values());
  }

  private async consume(chunk: Buffer): Promise<void> {
    let at = 0;
    while (at < chunk.length && this.active) {
      if (this.data) {
        const piece = chunk.subarray(at, at + this.data.remaining);
        at += piece.length;
        this.position += piece.length;
        const sink = this.data;
        if (sink.remaining === piece.length) this.data = undefined;
        await sink.write(piece);
        continue;
      }
      const piece = chunk.subarray(at, at + this.need - this.headLength);
      if (this.headLength === 0) this.entryStart = this.position;
      at += piece.length;
      this.position += piece.length;
      this.gather(piece);
      if (this.headLength === this.need) await this.onHeaderBytes();
    }
  }

  /** Copies header bytes into a buffer sized for the current step: a header sent a byte at a time costs no more. */
  private gather(piece: Buffer): void {
    if (this.head.length < this.need) {
      const grown = Buffer.allocUnsafe(this.need);
      this.head.copy(grown, 0, 0, this.headLength);
      this.head = grown;
    }
    this.headLength += piece.copy(this.head, this.headLength);
  }

  private async onHeaderBytes(): Promise<void> {
    if (this.need === SIGNATURE_SIZE) {
      const signature = this.head.readUInt32LE(0);
      if (DIRECTORY_SIGNATURES.has(signature)) {
        this.reachedDirectory = true;
      } else if (signature !== SIG_LOCAL) {
        throw new CannotStream('no local header where one should start');
      } else {
        this.need = LOCAL_SIZE;
      }
      return;
    }
    if (this.need === LOCAL_SIZE) {
      this.header = checkedHeader(readLocalHeader(this.head));
      this.need = LOCAL_SIZE + this.header.nameLength + this.header.extraLength;
      if (this.headLength < this.need) return;
    }
    const header = this.header as LocalHeader;
    // A copy: the extra field (up to 64 KiB) is not kept for every entry.
    const rawName = Buffer.from(this.head.subarray(LOCAL_SIZE, LOCAL_SIZE + header.nameLength));
    this.headLength = 0;
    this.need = SIGNATURE_SIZE;
    await this.startEntry(header, rawName);
  }

  private async startEntry(header: LocalHeader, rawName: Buffer): Promise<void> {
    const { name, components } = checkedEntry({ name: decodeName(rawName), index: this.entries.size });
    const directory = name.endsWith('/');
    const node = this.tree.add(components, directory ? 'directory' : 'file', name);
    const modified = dosDate(header.dosDate, header.dosTime);
    this.entries.set(this.entryStart, { rawName, directory, facts: header, modified });
    if (directory) {
      void this.directory(node);
      // Some zippers deflate a directory's nothing into a few bytes; they are not written anywhere.
      if (header.compressedSize > 0) this.data = new SkipSink(header.compressedSize);
      return;
    }
    const parent = this.directory(node.parent as TreeNode);
    const path = confinedJoin(this.target.root, node.segments);
    const attributes: FileAttributes = { mode: STREAMED_FILE_MODE, owner: this.target.owner, modified };
    if (fitsWhole(header)) {
      const write = (bytes: Buffer): Promise<unknown> =>
        this.spawn(async () => {
          const data = inflateWhole(bytes, header);
          if (!data) throw new CannotStream('an entry differs from its local header');
          this.budget.spend(data.length);
          await parent;
          await this.target.writer.write(path, data, attributes);
        });
      if (header.compressedSize === 0) await write(Buffer.alloc(0));
      else this.data = new WholeSink(header.compressedSize, write);
      return;
    }
    const inflation = new EntryInflation(header, name, this.budget, this.target.limits.maxRatio, BATCH_BYTES);
    const input = new PassThrough({ highWaterMark: BUFFER_BYTES });
    const { settled } = await this.spawn(async () => {
      await parent;
      await writeStreamedFile(path, input, inflation.stages, attributes, this.abort.signal);
      inflation.assertComplete();
    });
    this.data = new StreamSink(input, header.compressedSize, settled);
  }

  /** Creates a directory of the tree once, parents first; a failure stops streaming. */
  private directory(node: TreeNode): Promise<void> {
    let created = this.directories.get(node);
    if (!created) {
      const parent = this.directory(node.parent as TreeNode);
      const path = confinedJoin(this.target.root, node.segments);
      // Once streaming has stopped the tree is thrown away: directories still queued are not made.
      const make = (): Promise<unknown> => (this.stopReason === undefined ? mkdir(path) : Promise.resolve());
      created = this.guard(parent.then(() => this.mkdirs.run(make)));
      this.directories.set(node, created);
    }
    return created;
  }

  /** Starts `work` once fewer than PARALLEL_ENTRIES run; resolves when it has started. */
  private async spawn(work: () => Promise<void>): Promise<{ settled: Promise<void> }> {
    while (this.tasks.size >= PARALLEL_ENTRIES) await Promise.race(this.tasks);
    const settled: Promise<void> = this.guard(work()).finally(() => this.tasks.delete(settled));
    this.tasks.add(settled);
    return { settled };
  }

  /** A promise that never rejects: its failure stops streaming instead. */
  private guard(work: Promise<unknown>): Promise<void> {
    return work.then(
      () => undefined,
      (err: unknown) => this.stop(err),
    );
  }
}

/** Where an entry's stored bytes go as they arrive. */
interface EntrySink {
  remaining: number;
  write(piece: Buffer): Promise<void>;
}

/** Passes over bytes that go nowhere. */
class SkipSink implements EntrySink {
  constructor(public remaining: number) {}

  write(piece: Buffer): Promise<void> {
    this.remaining -= piece.length;
    return Promise.resolve();
  }
}

/** Gathers a small entry whole, then hands it over. */
class WholeSink implements EntrySink {
  private readonly bytes: Buffer;
  private filled = 0;

  constructor(
    size: number,
    private readonly complete: (bytes: Buffer) => Promise<unknown>,
  ) {
    this.bytes = Buffer.allocUnsafe(size);
  }

  get remaining(): number {
    return this.bytes.length - this.filled;
  }

  async write(piece: Buffer): Promise<void> {
    this.filled += piece.copy(this.bytes, this.filled);
    if (this.remaining === 0) await this.complete(this.bytes);
  }
}

/**
 * Feeds a big entry's pipeline in batches of BATCH_BYTES, waiting while it is behind (or until it has
 * failed). Body chunks are small (64 KiB off the socket); every chunk the inflater and the file take
 * separately is a threadpool round trip, so batching cuts those, and their context switches, 16-fold.
 */
class StreamSink implements EntrySink {
  private batch: Buffer;
  private filled = 0;

  constructor(
    private readonly input: PassThrough,
    public remaining: number,
    private readonly written: Promise<void>,
  ) {
    this.batch = Buffer.allocUnsafe(Math.min(BATCH_BYTES, remaining));
    // The pipeline reports failures; a write after it has torn the input down must not throw here.
    input.on('error', () => undefined);
  }

  async write(piece: Buffer): Promise<void> {
    for (let at = 0; at < piece.length;) {
      const copied = piece.copy(this.batch, this.filled, at);
      at += copied;
      this.filled += copied;
      this.remaining -= copied;
      // A batch is never larger than what is left of the entry, so the last one is full too.
      if (this.filled < this.batch.length) continue;
      const more = this.input.write(this.batch);
      if (this.remaining === 0) {
        this.input.end();
      } else {
        this.batch = Buffer.allocUnsafe(Math.min(BATCH_BYTES, this.remaining));
        this.filled = 0;
      }
      if (!more) await Promise.race([once(this.input, 'drain'), this.written]);
    }
  }
}

/** What a local header must say for its entry to be streamed; anything else is extracted from the spool. */
function checkedHeader(header: LocalHeader | undefined): LocalHeader {
  if (!header) throw zipCorrupt('bad local header');
  if (header.flags & 0x08) throw new CannotStream('data descriptor: sizes come after the data');
  if (header.flags & 0x41) throw new CannotStream('encrypted entry');
  if (header.method !== 0 && header.method !== 8) throw new CannotStream('unsupported method');
  if (header.compressedSize === 0xffffffff || header.uncompressedSize === 0xffffffff) {
    throw new CannotStream('zip64 sizes');
  }
  return header;
}

function sameFacts(a: EntryFacts, b: EntryFacts): boolean {
  return (
    a.method === b.method &&
    a.crc32 === b.crc32 &&
    a.compressedSize === b.compressedSize &&
    a.uncompressedSize === b.uncompressedSize
  );
}

function sameTime(a: Date | null, b: Date | null): boolean {
  return a === null || b === null ? a === b : a.getTime() === b.getTime();
}
