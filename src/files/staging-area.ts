import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { mkdir, mkdtemp, readdir, rm, rmdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ProjectPaths } from '../compose/project-paths';
import { isCuid } from '../containers/cuid';
import { ioFailure } from './mount-fs';

/** One upload's private corner of `<project>/.staging`: the spooled body and the extracted tree. */
export interface StagingJob {
  dir: string;
  archive: string;
  tree: string;
}

/**
 * Staging lives beside `app/` (same filesystem, so moving into place is a rename) but outside it,
 * so the container never sees a half-extracted upload. A crash can leave a job behind; nothing
 * refers to it afterwards, so every `.staging` is wiped at boot.
 */
@Injectable()
export class StagingArea implements OnModuleInit {
  private readonly logger = new Logger('StagingArea');

  constructor(private readonly paths: ProjectPaths) {}

  async onModuleInit(): Promise<void> {
    const removed = await removeStaleStaging(this.paths.root);
    if (removed > 0) this.logger.log(`Removed ${removed} stale upload staging director${removed === 1 ? 'y' : 'ies'}`);
  }

  async create(cuid: string): Promise<StagingJob> {
    const root = this.paths.stagingRoot(cuid);
    try {
      await mkdir(root, { recursive: true, mode: 0o700 });
      const dir = await mkdtemp(path.join(root, 'upload-'));
      return { dir, archive: path.join(dir, 'upload.zip'), tree: path.join(dir, 'tree') };
    } catch (err) {
      throw ioFailure(err, 'mkdir');
    }
  }

  async discard(job: StagingJob): Promise<void> {
    await rm(job.dir, { recursive: true, force: true });
    // Leaves the root in place while another upload of the same container is using it.
    await rmdir(path.dirname(job.dir)).catch(() => undefined);
  }
}

/** Removes `<root>/<cuid>/.staging` for every project; returns how many existed. */
export async function removeStaleStaging(projectsRoot: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(projectsRoot);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names.filter(isCuid)) {
    const staging = path.join(projectsRoot, name, '.staging');
    const existed = await readdir(staging).then(
      () => true,
      () => false,
    );
    if (!existed) continue;
    await rm(staging, { recursive: true, force: true });
    removed += 1;
  }
  return removed;
}
