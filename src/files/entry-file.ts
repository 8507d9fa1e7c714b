import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { chmod, chown, utimes } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ioFailure } from './mount-fs';

/**
 * Entries written at once, by either extraction path. Creating a small file costs several
 * filesystem calls, each a threadpool round trip; overlapping them makes thousands of small files
 * several times faster.
 */
export const PARALLEL_ENTRIES = 8;

export interface Owner {
  uid: number;
  gid: number;
}

/** What an extracted file ends up with besides its bytes. */
export interface FileAttributes {
  mode: number;
  owner: Owner;
  modified: Date | null;
}

/**
 * Creates a file from `source` through `stages`. Errors come out as they are: only the caller knows
 * which stage's failure is the archive's fault and which is the disk's. A failure is thrown only
 * once the file stream has closed: it opens lazily, and could otherwise still create the file after
 * the caller has moved on (and removed the directory).
 */
export async function writeStreamedFile(
  target: string,
  source: Readable,
  stages: readonly Transform[],
  attributes: FileAttributes,
  signal: AbortSignal,
): Promise<void> {
  const out = createWriteStream(target, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline([source, ...stages, out], { signal });
  } catch (err) {
    if (!out.closed) await once(out, 'close');
    throw err;
  }
  try {
    await chmod(target, attributes.mode);
    await chown(target, attributes.owner.uid, attributes.owner.gid);
    if (attributes.modified) await utimes(target, attributes.modified, attributes.modified);
  } catch (err) {
    throw ioFailure(err, 'chmod');
  }
}
