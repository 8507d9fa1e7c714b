import { Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ValidationError } from '../common/errors/app-error';
import { ContainerMount } from './container-mount';
import { attachmentDisposition, contentTypeFor } from './content-type';
import { sendFileBytes } from './file-sender';
import { RangeNotSatisfiableError } from './files.errors';
import { requestedRange } from './http-range';
import { ioFailure, MountFs, OpenedFile } from './mount-fs';
import { parseMountPath } from './path-confinement';
import { clientGone, downloadHeaders, forgetFileHeaders } from './response-stream';

/** download: one regular file of the mount, streamed, with single-range support. */
@Injectable()
export class DownloadService {
  constructor(
    private readonly mount: ContainerMount,
    private readonly fs: MountFs,
  ) {}

  async download(cuid: string, rawPath: string | undefined, req: Request, res: Response): Promise<void> {
    this.mount.assertExists(cuid);
    const segments = parseMountPath(rawPath);
    const name = segments.at(-1);
    if (name === undefined) throw new ValidationError('PATH_REQUIRED', 'Query parameter "path" must name a file');
    const file = await this.mount.with(cuid, async (root) => {
      const dir = await this.fs.walk(root, segments.slice(0, -1));
      try {
        return await this.fs.openFile(dir, name);
      } finally {
        if (dir !== root) await dir.close();
      }
    });
    await this.send(file, name, req, res);
  }

  private async send({ handle, stats }: OpenedFile, name: string, req: Request, res: Response): Promise<void> {
    try {
      const lastModified = stats.mtime.toUTCString();
      const range = requestedRange(req, stats.size, lastModified);
      downloadHeaders(res, contentTypeFor(name), attachmentDisposition(name));
      res.setHeader('Accept-Ranges', 'bytes');
      res.setHeader('Last-Modified', lastModified);
      if (range.kind === 'unsatisfiable') {
        res.setHeader('Content-Range', `bytes */${stats.size}`);
        throw new RangeNotSatisfiableError('RANGE_NOT_SATISFIABLE', 'The requested range is outside the file', {
          size: stats.size,
        });
      }
      const [start, end] = range.kind === 'partial' ? [range.start, range.end] : [0, stats.size - 1];
      res.status(range.kind === 'partial' ? 206 : 200);
      if (range.kind === 'partial') res.setHeader('Content-Range', `bytes ${start}-${end}/${stats.size}`);
      res.setHeader('Content-Length', String(end - start + 1));
      if (req.method === 'HEAD' || stats.size === 0) res.end();
      else await sendFileBytes(handle, start, end, res);
    } catch (err) {
      if (clientGone(res)) return;
      if (!res.headersSent) forgetFileHeaders(res);
      throw ioFailure(err, 'read');
    } finally {
      await handle.close().catch(() => undefined);
    }
  }
}
