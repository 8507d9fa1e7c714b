import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { AppConfig } from '../common/config/app-config';
import { ContainerLocks } from '../containers/container-locks';
import { ContainerMount } from './container-mount';
import { MountMerger } from './mount-merge';
import { displayPath, parseMountPath } from './path-confinement';
import { spoolRequest } from './request-spool';
import { StagingArea } from './staging-area';
import { WholeFileWriter } from './whole-file-writer';
import { ZipExtractor } from './zip-extractor';
import { ZipStreamExtractor } from './zip-stream-extractor';

export interface UploadResult {
  files: number;
  bytes: number;
  path: string;
}

/**
 * upload-zip: spool the body into staging and, while it arrives, extract it there from its local
 * headers (ZipStreamExtractor). The central directory comes last and has the final word: once it is
 * in, the extractor keeps the early tree if it matches, or extracts again from the spooled body.
 * Then the tree is merged into /app. A failure at any step leaves /app as it was and removes the
 * staging job.
 */
@Injectable()
export class UploadService {
  constructor(
    private readonly mount: ContainerMount,
    private readonly config: AppConfig,
    private readonly staging: StagingArea,
    private readonly extractor: ZipExtractor,
    private readonly merger: MountMerger,
    private readonly locks: ContainerLocks,
    private readonly writer: WholeFileWriter,
  ) {}

  async upload(cuid: string, rawPath: string | undefined, req: IncomingMessage): Promise<UploadResult> {
    this.mount.assertExists(cuid);
    const target = parseMountPath(rawPath);
    const limits = this.config.uploadLimits;
    const owner = { uid: this.config.uid, gid: this.config.gid };
    const job = await this.staging.create(cuid);
    const early = new ZipStreamExtractor({ root: job.tree, prefix: target, limits, owner, writer: this.writer });
    try {
      await spoolRequest(req, job.archive, limits.maxBytes, { tap: early });
      const streamed = await early.result();
      const { files, bytes } = await this.extractor.extract(job.archive, job.tree, target, limits, owner, streamed);
      // The merge runs under the container's lock, like lifecycle operations (a delete cannot pull the
      // mount away mid-merge); spooling and extracting touch only staging and run unlocked.
      await this.locks.forContainer(cuid, () =>
        this.mount.with(cuid, (root) => this.merger.merge(job.tree, root, target)),
      );
      return { files, bytes, path: displayPath(target) };
    } finally {
      // Nothing may still be writing into the job when it is removed.
      await early.result();
      await this.staging.discard(job);
    }
  }
}
