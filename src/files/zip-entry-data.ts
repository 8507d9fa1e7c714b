import { Transform } from 'node:stream';
import { crc32, createInflateRaw, inflateRawSync, InflateRaw } from 'node:zlib';
import { AppError } from '../common/errors/app-error';
import { inflateFailure, zipCorrupt } from './zip-errors';
import { EntryMeter, InflateBudget } from './zip-limits';
import { EntryFacts } from './zip-record';

/**
 * Entries up to this size (both ways) are read and inflated whole: one read and one inflate instead of
 * a stream pipeline, which is most of the cost for thousands of small files. Below RATIO_GRACE_BYTES,
 * so the ratio limit never applies to them, and small enough that inflating one on the event loop
 * takes well under a millisecond.
 */
const WHOLE_ENTRY_BYTES = 256 * 1024;

/** Inflater output per chunk, by default: large chunks keep the per-chunk cost of the pipeline small. */
const INFLATE_CHUNK = 256 * 1024;

export function fitsWhole(facts: EntryFacts): boolean {
  return facts.compressedSize <= WHOLE_ENTRY_BYTES && facts.uncompressedSize <= WHOLE_ENTRY_BYTES;
}

/**
 * Inflates a small entry held in memory. Returns the data only when it is exactly what the archive
 * declares (size, CRC, every stored byte consumed); otherwise undefined, and the caller streams the
 * entry instead, whose checks name the problem. Output is capped one byte past the declared size,
 * so a lying entry costs nothing.
 */
export function inflateWhole(compressed: Buffer, facts: EntryFacts): Buffer | undefined {
  if (compressed.length !== facts.compressedSize) return undefined;
  let data: Buffer;
  if (facts.method === 0) {
    data = compressed;
  } else if (facts.method === 8 && compressed.length > 0) {
    try {
      const { buffer, engine } = inflateRawSync(compressed, {
        info: true,
        maxOutputLength: facts.uncompressedSize + 1,
      }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } };
      if (engine.bytesWritten !== compressed.length) return undefined;
      data = buffer;
    } catch {
      return undefined;
    }
  } else {
    return undefined;
  }
  if (data.length !== facts.uncompressedSize || crc32(data) !== facts.crc32) return undefined;
  return data;
}

/**
 * The stream stages between an entry's stored bytes and its file: the inflater (for deflate) and the
 * meter that holds the entry to its declared size and CRC and the upload to its limits. After the
 * pipeline, `assertComplete` checks the inflater used up exactly the stored bytes (a deflate stream
 * that ends early means the sizes lie; zlib ignores what follows).
 */
export class EntryInflation {
  readonly stages: Transform[];
  private readonly inflater: InflateRaw | undefined;

  constructor(
    private readonly facts: EntryFacts,
    private readonly name: string,
    budget: InflateBudget,
    maxRatio: number,
    chunkSize = INFLATE_CHUNK,
  ) {
    const meter = new EntryMeter(facts, name, budget, maxRatio);
    this.inflater = facts.method === 8 ? createInflateRaw({ chunkSize }) : undefined;
    this.stages = this.inflater ? [this.inflater, meter] : [meter];
  }

  /** The archive's share of a failed pipeline (limits, bad data); undefined when the failure was elsewhere. */
  failure(err: unknown): AppError | undefined {
    return err instanceof AppError ? err : inflateFailure(err);
  }

  assertComplete(): void {
    if (this.inflater && this.inflater.bytesWritten !== this.facts.compressedSize) {
      throw zipCorrupt('compressed data ends early', { entry: this.name });
    }
  }
}
