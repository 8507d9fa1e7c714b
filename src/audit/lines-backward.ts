import type { promises as fs } from 'node:fs';

export interface BackwardLine {
  text: string;
  /** Byte offset of the line's first byte: reading on backwards from here continues after it. */
  start: number;
}

const CHUNK_BYTES = 64 * 1024;

/**
 * The lines of a file that end before `end`, last first, read in chunks from the end so that the
 * newest entries of a large file cost one read, not a scan of the whole file. `end` must be a line
 * boundary (a file size or a `start` this returned).
 */
export async function* linesBackward(
  handle: fs.FileHandle,
  end: number,
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<BackwardLine> {
  let pos = end;
  let carry = Buffer.alloc(0);
  while (pos > 0) {
    const size = Math.min(chunkBytes, pos);
    pos -= size;
    const chunk = Buffer.allocUnsafe(size);
    const { bytesRead } = await handle.read(chunk, 0, size, pos);
    const data = carry.length > 0 ? Buffer.concat([chunk.subarray(0, bytesRead), carry]) : chunk.subarray(0, bytesRead);
    let lineEnd = data.length;
    for (let i = data.length - 1; i >= 0; i -= 1) {
      if (data[i] !== 0x0a) continue;
      if (i + 1 < lineEnd) yield { text: data.toString('utf8', i + 1, lineEnd), start: pos + i + 1 };
      lineEnd = i;
    }
    // Copied: `data` may be a view of a chunk buffer that the next read replaces.
    carry = Buffer.from(data.subarray(0, lineEnd));
  }
  if (carry.length > 0) yield { text: carry.toString('utf8'), start: 0 };
}
