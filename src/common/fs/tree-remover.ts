import { Injectable } from '@nestjs/common';
import { constants as C } from 'node:fs';
import { chmod, FileHandle, lstat, open, opendir, rmdir, unlink } from 'node:fs/promises';

const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW;
/** Linux O_PATH (Node does not export it): a handle on the inode that needs no read permission. */
const O_PATH = 0o10000000;
/** How many times a directory that refilled itself is walked again before giving up. */
const MAX_REVISITS = 1_000;

/** An ancestor of the directory being emptied: where to come back to, and what is left to do there. */
interface Level {
  name: Buffer;
  dev: number;
  ino: number;
  pending: Buffer[];
}

/**
 * Removes a directory tree of any depth, the way `rm -rf` does and `fs.rm` cannot: every call is
 * made relative to an open directory (`/proc/self/fd/<fd>/<name>`, the kernel's openat), so no path
 * string grows with the depth (a container can nest directories far past PATH_MAX), and at most
 * three descriptors are open however deep the tree is — going up reopens `..` and checks it is the
 * directory we came from. Symlinks are unlinked, never followed; directories without
 * read/write/search permission are given it first (through O_PATH, so a swapped-in symlink cannot
 * redirect the chmod). Every step is an asynchronous call: the event loop is never held.
 */
@Injectable()
export class TreeRemover {
  async remove(target: string): Promise<void> {
    const stats = await lstat(target).catch(ignoreMissing);
    if (!stats) return;
    if (!stats.isDirectory()) return unlink(target).catch(ignoreMissing);
    let revisits = 0;
    for (;;) {
      await this.empty(target, () => {
        revisits += 1;
        if (revisits > MAX_REVISITS) throw new Error('the tree keeps refilling while it is removed');
      });
      try {
        await rmdir(target);
        return;
      } catch (err) {
        if (errnoOf(err) === 'ENOENT') return;
        if (errnoOf(err) !== 'ENOTEMPTY' || ++revisits > MAX_REVISITS) throw err;
      }
    }
  }

  /** Empties `target`, depth first, holding one directory open (two while stepping up). */
  private async empty(target: string, onRevisit: () => void): Promise<void> {
    let dir = await this.openDir(target);
    const ancestors: Level[] = [];
    let pending: Buffer[];
    try {
      pending = await this.removeNonDirectories(dir);
      for (;;) {
        const name = pending.pop();
        if (name !== undefined) {
          const child = await this.openChild(dir, name);
          if (!child) continue;
          const { dev, ino } = await dir.stat();
          ancestors.push({ name, dev, ino, pending });
          await dir.close();
          dir = child;
          pending = await this.removeNonDirectories(dir);
          continue;
        }
        const up = ancestors.pop();
        if (!up) return;
        const parent = await this.openDir(`${fdPath(dir)}/..`);
        const { dev, ino } = await parent.stat();
        await dir.close();
        dir = parent;
        if (dev !== up.dev || ino !== up.ino) throw new Error('the tree was moved while it was being removed');
        pending = up.pending;
        try {
          await rmdir(childPath(dir, up.name));
        } catch (err) {
          if (errnoOf(err) === 'ENOENT') continue;
          if (errnoOf(err) !== 'ENOTEMPTY') throw err;
          onRevisit();
          pending.push(up.name);
        }
      }
    } finally {
      await dir.close().catch(() => undefined);
    }
  }

  /** Unlinks everything in `dir` that is not a directory; returns the subdirectories' names. */
  private async removeNonDirectories(dir: FileHandle): Promise<Buffer[]> {
    const subdirs: Buffer[] = [];
    // Names as raw bytes (a container may write names that are not UTF-8), streamed in batches:
    // a directory of a million names is never one array.
    for await (const entry of await openRawDir(fdPath(dir))) {
      if (entry.isDirectory()) {
        subdirs.push(entry.name);
        continue;
      }
      try {
        await unlink(childPath(dir, entry.name));
      } catch (err) {
        if (errnoOf(err) === 'EISDIR') subdirs.push(entry.name);
        else if (errnoOf(err) !== 'ENOENT') throw err;
      }
    }
    return subdirs;
  }

  /** Opens a subdirectory for emptying; a name that is gone is skipped, one that turned into a non-directory is unlinked. */
  private async openChild(parent: FileHandle, name: Buffer): Promise<FileHandle | null> {
    const child = childPath(parent, name);
    try {
      return await this.openDir(child);
    } catch (err) {
      const code = errnoOf(err);
      if (code === 'ENOENT') return null;
      if (code !== 'ENOTDIR' && code !== 'ELOOP') throw err;
      await unlink(child).catch(ignoreMissing);
      return null;
    }
  }

  /** Opens a directory without following a symlink, and makes sure its owner may list and change it. */
  private async openDir(location: string | Buffer): Promise<FileHandle> {
    let handle: FileHandle;
    try {
      handle = await open(location, DIR_FLAGS);
    } catch (err) {
      if (errnoOf(err) !== 'EACCES') throw err;
      await this.grantOwner(location);
      handle = await open(location, DIR_FLAGS);
    }
    try {
      const { mode } = await handle.stat();
      if ((mode & 0o700) !== 0o700) await handle.chmod((mode & 0o7777) | 0o700);
    } catch (err) {
      await handle.close();
      throw err;
    }
    return handle;
  }

  /** chmod u+rwx on a directory we may not even read, through an O_PATH handle pinned to that inode. */
  private async grantOwner(location: string | Buffer): Promise<void> {
    const pinned = await open(location, O_PATH | C.O_DIRECTORY | C.O_NOFOLLOW);
    try {
      await chmod(fdPath(pinned), 0o700);
    } finally {
      await pinned.close();
    }
  }
}

function fdPath(handle: FileHandle): string {
  return `/proc/self/fd/${handle.fd}`;
}

interface RawDirent {
  name: Buffer;
  isDirectory(): boolean;
}

/** opendir with `encoding: 'buffer'`, which Node supports and its typings do not declare. */
async function openRawDir(location: string): Promise<AsyncIterable<RawDirent>> {
  return (await opendir(location, {
    bufferSize: 256,
    encoding: 'buffer' as BufferEncoding,
  })) as AsyncIterable<unknown> as AsyncIterable<RawDirent>;
}

function childPath(dir: FileHandle, name: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${fdPath(dir)}/`), name]);
}

function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function ignoreMissing(err: unknown): undefined {
  if (errnoOf(err) === 'ENOENT') return undefined;
  throw err;
}
