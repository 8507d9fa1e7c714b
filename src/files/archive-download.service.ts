import { Injectable } from '@nestjs/common';
import type { Stats } from 'node:fs';
import type { Response } from 'express';
import { AppConfig } from '../common/config/app-config';
import { AppError } from '../common/errors/app-error';
import { ContainerMount } from './container-mount';
import { attachmentDisposition } from './content-type';
import { forEachBounded } from './for-each-bounded';
import { ioFailure, MountDir, MountFs, OpenedFile, openOrSkip } from './mount-fs';
import { isZippableName, parseMountPath } from './path-confinement';
import { clientGone, downloadHeaders, forgetFileHeaders } from './response-stream';
import { assertDepthWithin, pathTooDeep } from './tree-depth';
import { ZipWriter } from './zip-writer';

/** Entries of a directory whose lstat is asked together: memory stays bounded in a huge directory. */
const STAT_BATCH = 64;
/** Calls on the mount in flight at once for one download (lstats of a batch, files opened ahead). */
const LOOK_AHEAD = 8;

/** The walk's fixed facts: the root it started from and how deep it may go. */
interface Walk {
  root: MountDir;
  maxDepth: number;
  signal: AbortSignal;
}

/**
 * download-zip: a directory of the mount as a zip, built while it is sent — at most LOOK_AHEAD files
 * open at a time, no temp file, memory bounded by the writer's read-ahead (ZipWriter). Symlinks and special
 * files are skipped, never followed. If the client leaves, the walk stops and every descriptor is
 * closed. The walk holds one descriptor per directory level, so nesting is bounded
 * (DOWNLOAD_MAX_DEPTH): a tree too deep is refused before the headers; one that grows too deep
 * while it is being sent cuts the connection, so the client never takes a truncated zip for a whole one.
 */
@Injectable()
export class ArchiveDownloadService {
  constructor(
    private readonly mount: ContainerMount,
    private readonly fs: MountFs,
    private readonly config: AppConfig,
  ) {}

  async downloadZip(cuid: string, rawPath: string | undefined, res: Response): Promise<void> {
    const segments = parseMountPath(rawPath);
    const root = await this.mount.open(cuid);
    let dir = root;
    try {
      dir = await this.fs.walk(root, segments);
      await assertDepthWithin(this.fs, dir, this.config.downloadMaxDepth);
      await this.stream(dir, `${segments.at(-1) ?? 'app'}.zip`, res);
    } finally {
      if (dir !== root) await dir.close();
      await root.close();
    }
  }

  private async stream(dir: MountDir, fileName: string, res: Response): Promise<void> {
    const stop = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) stop.abort();
    };
    res.on('close', onClose);
    downloadHeaders(res, 'application/zip', attachmentDisposition(fileName));
    res.status(200);
    const zip = new ZipWriter(res, stop.signal);
    try {
      await this.addTree(zip, dir, '', 0, { root: dir, maxDepth: this.config.downloadMaxDepth, signal: stop.signal });
      await zip.finish();
      await new Promise<void>((resolve, reject) => {
        res.end(resolve);
        stop.signal.addEventListener('abort', () => reject(new Error('the client left')), { once: true });
      });
    } catch (err) {
      if (stop.signal.aborted || clientGone(res)) return;
      if (!res.headersSent) forgetFileHeaders(res);
      throw err instanceof AppError ? err : ioFailure(err, 'zip');
    } finally {
      res.off('close', onClose);
    }
  }

  private async addTree(zip: ZipWriter, dir: MountDir, prefix: string, depth: number, walk: Walk): Promise<void> {
    const names = (await this.fs.readdir(dir)).filter(isZippableName).sort();
    for (let from = 0; from < names.length; from += STAT_BATCH) {
      walk.signal.throwIfAborted();
      const batch = names.slice(from, from + STAT_BATCH);
      const stats = new Map<string, Stats | null>();
      await forEachBounded(batch, LOOK_AHEAD, async (name) => void stats.set(name, await this.fs.lstat(dir, name)));
      await this.addBatch(zip, dir, prefix, depth, walk, batch, stats);
    }
  }

  /**
   * Adds a batch of one directory's entries in order. Up to LOOK_AHEAD files are opened ahead of the
   * one being added, never past a subdirectory (so a descent holds no descriptor of this level's
   * files), and a file added is closed without waiting: for a tree of small files each one cost five
   * threadpool round trips in turn, now one (its read). Every file opened is closed before this returns.
   */
  private async addBatch(
    zip: ZipWriter,
    dir: MountDir,
    prefix: string,
    depth: number,
    walk: Walk,
    names: string[],
    stats: ReadonlyMap<string, Stats | null>,
  ): Promise<void> {
    const opened = new Map<number, Promise<OpenedFile | undefined>>();
    const closing: Promise<void>[] = [];
    const openAhead = (at: number): void => {
      for (let j = at; j < names.length && j < at + LOOK_AHEAD; j += 1) {
        const name = names[j] as string;
        if (stats.get(name)?.isDirectory()) return;
        if (!stats.get(name)?.isFile() || opened.has(j)) continue;
        const file = openOrSkip(() => this.fs.openFile(dir, name));
        // Observed when its turn comes (or in the cleanup below); until then a failure is not unhandled.
        file.catch(() => undefined);
        opened.set(j, file);
      }
    };
    try {
      for (let i = 0; i < names.length; i += 1) {
        walk.signal.throwIfAborted();
        const name = names[i] as string;
        const entryStats = stats.get(name);
        const entryName = `${prefix}${name}`;
        if (entryStats?.isDirectory()) {
          if (depth === walk.maxDepth) throw pathTooDeep(walk.root, walk.maxDepth);
          const sub = await openOrSkip(() => this.fs.openDir(dir, name));
          if (!sub) continue;
          try {
            await zip.directory({ name: entryName, mode: entryStats.mode & 0o777, modified: entryStats.mtime });
            await this.addTree(zip, sub, `${entryName}/`, depth + 1, walk);
          } finally {
            await sub.close();
          }
        } else if (entryStats?.isFile()) {
          openAhead(i);
          const file = await opened.get(i);
          opened.delete(i);
          if (!file) continue;
          try {
            // The size and mode of what was opened (fstat), not of what lstat saw before a swap.
            const info = { name: entryName, mode: file.stats.mode & 0o777, modified: file.stats.mtime };
            await zip.file(info, file.handle, file.stats.size);
          } finally {
            // A read-only descriptor loses nothing if its close fails: the zip goes on.
            closing.push(file.handle.close().catch(() => undefined));
          }
        }
      }
    } finally {
      // Opened ahead but not added (an error, the client gone): closed too, and all closes awaited.
      for (const pending of opened.values())
        closing.push(pending.then((file) => file?.handle.close()).catch(() => undefined));
      await Promise.allSettled(closing);
    }
  }
}
