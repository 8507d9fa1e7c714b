import { isUtf8 } from 'node:buffer';

export type OutputEncoding = 'utf8' | 'base64';

/** Output as a frame carries it: valid UTF-8 as its bytes (framed without decoding), anything else as base64. */
export type TextChunk = { encoding: 'utf8'; bytes: Buffer } | { encoding: 'base64'; data: string };

/**
 * Turns a byte stream into frame payloads: UTF-8 text when the bytes are valid UTF-8, base64 otherwise.
 * A multibyte character cut by a read boundary is held back until its remaining bytes arrive, so no
 * character is ever split across two frames (StringDecoder would do that, but silently replaces
 * invalid bytes, and we must not alter binary output).
 */
export class Utf8Chunker {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): TextChunk | null {
    const bytes = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    const keep = incompleteTailLength(bytes);
    this.pending = Buffer.from(bytes.subarray(bytes.length - keep));
    return encode(bytes.subarray(0, bytes.length - keep));
  }

  /** Whatever is still held back (a truncated character at the end of the stream), as base64. */
  flush(): TextChunk | null {
    const rest = this.pending;
    this.pending = Buffer.alloc(0);
    return encode(rest);
  }
}

function encode(bytes: Buffer): TextChunk | null {
  if (bytes.length === 0) return null;
  return isUtf8(bytes) ? { encoding: 'utf8', bytes } : { encoding: 'base64', data: bytes.toString('base64') };
}

/** How many trailing bytes form the start of a multibyte character that is not complete yet (0..3). */
export function incompleteTailLength(bytes: Buffer): number {
  const start = Math.max(0, bytes.length - 3);
  for (let i = bytes.length - 1; i >= start; i--) {
    const byte = bytes[i] as number;
    if ((byte & 0xc0) === 0x80) continue; // continuation byte: keep looking for its lead byte
    const needed =
      byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 1;
    const have = bytes.length - i;
    return needed > have ? have : 0;
  }
  return 0;
}
