import { Injectable } from '@nestjs/common';
import archiver, { type Archiver } from 'archiver';
import type { Response } from 'express';
import { once } from 'node:events';
import type { ReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { AppConfig } from '../common/config/app-config';
import { AppError } from '../common/errors/app-error';
import { ContainerMount } from './container-mount';
import { attachmentDisposition } from './content-type';
import { ioFailure, MountDir, MountFs, openOrSkip } from './mount-fs';
import { isZippableName, parseMountPath } from './path-confinement';
import { clientGone, downloadHeaders, forgetFileHeaders } from './response-stream';
import { assertDepthWithin, pathTooDeep } from './tree-depth';

/** The walk's state: the file being read right now (so an abort can close it), the root and its depth limit. */
interface Cursor {
  current?: ReadStream;
  root: MountDir;
  maxDepth: number;
}

/**
 * download-zip: a directory of the mount as a zip, built while it is sent — one file open at a
 * time, no temp file, no buffering beyond the streams' own. Symlinks and special files are skipped,
 * never followed. If the client leaves, the walk stops and every descriptor is closed.
 * The walk holds one descriptor per directory level, so nesting is bounded (DOWNLOAD_MAX_DEPTH):
 * a tree too deep is refused before the headers; one that grows too deep while it is being sent
 * cuts the connection, so the client never takes a truncated zip for a whole one.
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
    const archive = archiver('zip', { zlib: { level: 6 } });
    // One signal stops the walk whether the client left or the archiver failed.
    const stop = new AbortController();
    let archiveError: unknown;
    const onArchiveError = (err: unknown): void => {
      archiveError ??= err;
      stop.abort();
    };
    archive.on('error', onArchiveError).on('warning', onArchiveError);
    const onClose = (): void => {
      if (!res.writableFinished) stop.abort();
    };
    res.on('close', onClose);
    const cursor: Cursor = { root: dir, maxDepth: this.config.downloadMaxDepth };
    downloadHeaders(res, 'application/zip', attachmentDisposition(fileName));
    res.status(200);
    archive.pipe(res);
    try {
      await this.addTree(archive, dir, '', 0, stop.signal, cursor);
      await Promise.all([archive.finalize(), finished(res)]);
    } catch (err) {
      cursor.current?.destroy();
      archive.unpipe(res);
      archive.abort();
      if (archiveError === undefined && (stop.signal.aborted || clientGone(res))) return;
      if (!res.headersSent) forgetFileHeaders(res);
      const cause = archiveError ?? err;
      throw cause instanceof AppError ? cause : ioFailure(cause, 'zip');
    } finally {
      res.off('close', onClose);
    }
  }

  private async addTree(
    archive: Archiver,
    dir: MountDir,
    prefix: string,
    depth: number,
    signal: AbortSignal,
    cursor: Cursor,
  ): Promise<void> {
    const names = (await this.fs.readdir(dir)).sort();
    for (const name of names) {
      signal.throwIfAborted();
      if (!isZippableName(name)) continue;
      const stats = await this.fs.lstat(dir, name);
      const entryName = `${prefix}${name}`;
      if (stats?.isDirectory()) {
        if (depth === cursor.maxDepth) throw pathTooDeep(cursor.root, cursor.maxDepth);
        const sub = await openOrSkip(() => this.fs.openDir(dir, name));
        if (!sub) continue;
        try {
          // The trailing `/` is what makes archiver write a directory entry.
          archive.append(Buffer.alloc(0), { name: `${entryName}/`, mode: stats.mode & 0o777, date: stats.mtime });
          await once(archive, 'entry', { signal });
          await this.addTree(archive, sub, `${entryName}/`, depth + 1, signal, cursor);
        } finally {
          await sub.close();
        }
      } else if (stats?.isFile()) {
        const file = await openOrSkip(() => this.fs.openFile(dir, name));
        if (!file) continue;
        cursor.current = file.handle.createReadStream({ highWaterMark: 1024 * 1024 });
        archive.append(cursor.current, { name: entryName, mode: file.stats.mode & 0o777, date: file.stats.mtime });
        await once(archive, 'entry', { signal });
        cursor.current = undefined;
      }
    }
  }
}
