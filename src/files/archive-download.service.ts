import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../common/config/app-config';
import { AppError } from '../common/errors/app-error';
import { ContainerMount } from './container-mount';
import { attachmentDisposition } from './content-type';
import { ioFailure, MountDir, MountFs, openOrSkip } from './mount-fs';
import { isZippableName, parseMountPath } from './path-confinement';
import { clientGone, downloadHeaders, forgetFileHeaders } from './response-stream';
import { assertDepthWithin, pathTooDeep } from './tree-depth';
import { ZipWriter } from './zip-writer';

/** The walk's fixed facts: the root it started from and how deep it may go. */
interface Walk {
  root: MountDir;
  maxDepth: number;
  signal: AbortSignal;
}

/**
 * download-zip: a directory of the mount as a zip, built while it is sent — one file open at a
 * time, no temp file, memory bounded by the writer's read-ahead (ZipWriter). Symlinks and special
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
    const names = (await this.fs.readdir(dir)).sort();
    for (const name of names) {
      walk.signal.throwIfAborted();
      if (!isZippableName(name)) continue;
      const stats = await this.fs.lstat(dir, name);
      const entryName = `${prefix}${name}`;
      if (stats?.isDirectory()) {
        if (depth === walk.maxDepth) throw pathTooDeep(walk.root, walk.maxDepth);
        const sub = await openOrSkip(() => this.fs.openDir(dir, name));
        if (!sub) continue;
        try {
          await zip.directory({ name: entryName, mode: stats.mode & 0o777, modified: stats.mtime });
          await this.addTree(zip, sub, `${entryName}/`, depth + 1, walk);
        } finally {
          await sub.close();
        }
      } else if (stats?.isFile()) {
        const file = await openOrSkip(() => this.fs.openFile(dir, name));
        if (!file) continue;
        try {
          // The size and mode of what was opened (fstat), not of what lstat saw before a swap.
          const info = { name: entryName, mode: file.stats.mode & 0o777, modified: file.stats.mtime };
          await zip.file(info, file.handle, file.stats.size);
        } finally {
          await file.handle.close();
        }
      }
    }
  }
}
