import type { Response } from 'express';
import type { FileHandle } from 'node:fs/promises';

/** Bytes per read and per socket write. Two such buffers per download, reused for the whole file. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Sends bytes `start`..`end` (inclusive) of an open file as the response body, then ends it. Node has
 * no sendfile(2); what costs most after the two copies is allocating: a read stream takes a fresh
 * buffer for every chunk (for 1 MiB, an mmap and 256 page faults each), so this reads into two
 * buffers in turn instead, the next read overlapping the write of the last. A buffer is filled
 * again only once the socket has taken it (the write's callback). A file that ends before `end`
 * (truncated while it is sent) throws: the response must not look whole. The caller owns the handle.
 */
export async function sendFileBytes(handle: FileHandle, start: number, end: number, res: Response): Promise<void> {
  const size = Math.min(CHUNK_BYTES, end - start + 1);
  const buffers = [Buffer.allocUnsafe(size), Buffer.allocUnsafe(size)];
  const gone = responseGone(res);
  try {
    let written: Promise<void> = Promise.resolve();
    for (let position = start, turn = 0; position <= end; turn ^= 1) {
      const buffer = buffers[turn] as Buffer;
      const { bytesRead } = await handle.read(buffer, 0, Math.min(size, end - position + 1), position);
      if (bytesRead === 0) throw new Error('the file ended before its announced length');
      // The write before the last used this buffer's twin, which is now free; this one must wait for it.
      await Promise.race([written, gone.promise]);
      position += bytesRead;
      written = writeChunk(res, buffer.subarray(0, bytesRead));
    }
    await Promise.race([written, gone.promise]);
    await Promise.race([new Promise<void>((resolve) => res.end(resolve)), gone.promise]);
  } finally {
    gone.dispose();
  }
}

function writeChunk(res: Response, chunk: Buffer): Promise<void> {
  const written = new Promise<void>((resolve, reject) => res.write(chunk, (err) => (err ? reject(err) : resolve())));
  // Awaited only after the next read: a failure meanwhile (the client left) must not count as unhandled.
  written.catch(() => undefined);
  return written;
}

/** Rejects when the response closes before it has finished (the client left, or the socket failed). */
function responseGone(res: Response): { promise: Promise<never>; dispose: () => void } {
  let onClose = (): void => undefined;
  const promise = new Promise<never>((_resolve, reject) => {
    onClose = () => {
      if (!res.writableFinished) reject(new Error('the response closed before it was sent'));
    };
  });
  // Only ever raced: an unobserved rejection must not crash the process.
  promise.catch(() => undefined);
  res.on('close', onClose);
  return { promise, dispose: () => res.off('close', onClose) };
}
