import { Injectable } from '@nestjs/common';
import { constants as C, Stats } from 'node:fs';
import { FileHandle, lstat, open, readdir, rename } from 'node:fs/promises';
import { AppError, ForbiddenPathError, IoError, NotFoundError, ValidationError } from '../common/errors/app-error';
import { errnoOf, ioFailure as failedIo } from '../common/errors/io-failure';
import { displayPath } from './path-confinement';
import { FilesErrorCode } from './files.errors';

const DIR_FLAGS = C.O_RDONLY | C.O_DIRECTORY | C.O_NOFOLLOW;
// O_NONBLOCK: opening a FIFO the container planted must not park a libuv thread waiting for a writer.
const FILE_FLAGS = C.O_RDONLY | C.O_NOFOLLOW | C.O_NONBLOCK;

/**
 * A directory inside the mount, held open. Children are addressed through `/proc/self/fd/<fd>/<name>`,
 * which the kernel resolves from this very directory (like openat), so a container that swaps a
 * path component for a symlink after we looked cannot redirect us: only the last name is looked
 * up, and every call on it refuses to follow a symlink there.
 */
export class MountDir {
  constructor(
    readonly handle: FileHandle,
    readonly segments: readonly string[],
  ) {}

  child(name: string): string {
    if (name === '' || name === '.' || name === '..' || name.includes('/')) {
      throw new Error(`not a single name: ${name.slice(0, 64)}`);
    }
    return `/proc/self/fd/${this.handle.fd}/${name}`;
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

export interface OpenedFile {
  handle: FileHandle;
  stats: Stats;
}

/** The filesystem seam for the container's mount: every access is no-follow and relative to an open directory. */
@Injectable()
export class MountFs {
  async openRoot(hostDir: string): Promise<MountDir> {
    try {
      return new MountDir(await open(hostDir, DIR_FLAGS), []);
    } catch (err) {
      throw new IoError(FilesErrorCode.MOUNT_UNAVAILABLE, "The container's /app directory is missing or unreadable", {
        reason: errnoOf(err),
      });
    }
  }

  /** Opens `segments` below `root` one directory at a time; the caller closes the result unless it is `root`. */
  async walk(root: MountDir, segments: readonly string[]): Promise<MountDir> {
    let current = root;
    try {
      for (const name of segments) {
        const next = await this.openDir(current, name);
        if (current !== root) await current.close();
        current = next;
      }
      return current;
    } catch (err) {
      if (current !== root) await current.close();
      throw err;
    }
  }

  async openDir(parent: MountDir, name: string): Promise<MountDir> {
    const segments = [...parent.segments, name];
    try {
      return new MountDir(await open(parent.child(name), DIR_FLAGS), segments);
    } catch (err) {
      throw await this.classify(err, parent, name, 'directory');
    }
  }

  /** Opens a regular file for reading; anything else (directory, FIFO, device, symlink) is refused. */
  async openFile(parent: MountDir, name: string): Promise<OpenedFile> {
    let handle: FileHandle;
    try {
      handle = await open(parent.child(name), FILE_FLAGS);
    } catch (err) {
      throw await this.classify(err, parent, name, 'file');
    }
    const stats = await handle.stat();
    if (!stats.isFile()) {
      await handle.close();
      throw notA('file', [...parent.segments, name]);
    }
    return { handle, stats };
  }

  /** lstat of one child, or null when it does not exist. */
  async lstat(parent: MountDir, name: string): Promise<Stats | null> {
    try {
      return await lstat(parent.child(name));
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return null;
      throw ioFailure(err, 'lstat');
    }
  }

  async readdir(dir: MountDir): Promise<string[]> {
    try {
      return await readdir(`/proc/self/fd/${dir.handle.fd}`);
    } catch (err) {
      throw ioFailure(err, 'readdir');
    }
  }

  /** Names of the subdirectories of `dir`, from the directory's own entry types (no lstat per name). */
  async subdirectories(dir: MountDir): Promise<string[]> {
    try {
      const entries = await readdir(`/proc/self/fd/${dir.handle.fd}`, { withFileTypes: true });
      return entries.filter((e) => e.isDirectory()).map((e) => e.name);
    } catch (err) {
      throw ioFailure(err, 'readdir');
    }
  }

  /** Moves a host path (in the server's staging area) to `name` inside `parent`, replacing a file or symlink there. */
  async moveIn(from: string, parent: MountDir, name: string): Promise<void> {
    try {
      await rename(from, parent.child(name));
    } catch (err) {
      throw ioFailure(err, 'rename');
    }
  }

  private async classify(
    err: unknown,
    parent: MountDir,
    name: string,
    wanted: 'file' | 'directory',
  ): Promise<AppError> {
    const segments = [...parent.segments, name];
    switch (errnoOf(err)) {
      case 'ENOENT':
        return new NotFoundError(FilesErrorCode.PATH_NOT_FOUND, `No such file or directory: ${displayPath(segments)}`, {
          path: displayPath(segments),
        });
      case 'ELOOP':
        return outsideMount(segments);
      case 'ENOTDIR': {
        const stats = await this.lstat(parent, name);
        return stats?.isSymbolicLink() ? outsideMount(segments) : notA(wanted, segments);
      }
      default:
        return ioFailure(err, 'open');
    }
  }
}

export function outsideMount(segments: readonly string[]): ForbiddenPathError {
  return new ForbiddenPathError(
    FilesErrorCode.PATH_OUTSIDE_MOUNT,
    `Refusing to follow a symlink: ${displayPath(segments)}`,
    {
      path: displayPath(segments),
    },
  );
}

export function notA(wanted: 'file' | 'directory', segments: readonly string[]): ValidationError {
  const code = wanted === 'file' ? FilesErrorCode.NOT_A_FILE : FilesErrorCode.NOT_A_DIRECTORY;
  return new ValidationError(code, `Not a ${wanted}: ${displayPath(segments)}`, { path: displayPath(segments) });
}

/** Runs an open that may fail because the container removed or replaced the name meanwhile: such names are skipped. */
export async function openOrSkip<T>(open: () => Promise<T>): Promise<T | undefined> {
  try {
    return await open();
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return undefined;
    throw err;
  }
}

/** A failed call on the mount: only the operation and errno are reported, never a host path. */
export function ioFailure(err: unknown, op: string): AppError {
  return failedIo(err, FilesErrorCode.FILE_IO_FAILED, `File operation failed (${op})`, { op, reason: errnoOf(err) });
}
