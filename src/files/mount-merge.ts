import { Injectable } from '@nestjs/common';
import { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { ValidationError } from '../common/errors/app-error';
import { MountDir, MountFs, notA, outsideMount } from './mount-fs';
import { displayPath } from './path-confinement';
import { FilesErrorCode } from './files.errors';

/**
 * Moves an extracted staging tree into the mount: new top-level names and new subtrees are single
 * renames, existing directories are merged into, existing files (and symlinks, which are replaced,
 * never followed) are overwritten, and other names in the mount are kept. Every lookup goes
 * through MountFs, relative to directories held open, so the container cannot redirect a move by
 * planting a symlink. A dry run over the whole tree comes first, so a clash fails the upload
 * before anything in the mount has changed.
 */
@Injectable()
export class MountMerger {
  constructor(private readonly fs: MountFs) {}

  async merge(stagingTree: string, root: MountDir, target: readonly string[]): Promise<void> {
    await this.assertTarget(root, target);
    await this.visit(stagingTree, root, false);
    await this.visit(stagingTree, root, true);
  }

  /** The upload's target must be a directory or not exist yet (it is then created): never a file or a symlink. */
  private async assertTarget(root: MountDir, target: readonly string[]): Promise<void> {
    let dir = root;
    try {
      for (const name of target) {
        const stats = await this.fs.lstat(dir, name);
        if (stats === null) return;
        if (stats.isSymbolicLink()) throw outsideMount([...dir.segments, name]);
        if (!stats.isDirectory()) throw notA('directory', [...dir.segments, name]);
        const next = await this.fs.openDir(dir, name);
        if (dir !== root) await dir.close();
        dir = next;
      }
    } finally {
      if (dir !== root) await dir.close();
    }
  }

  private async visit(from: string, into: MountDir, apply: boolean): Promise<void> {
    const entries: Dirent[] = await readdir(from, { withFileTypes: true });
    for (const entry of entries) {
      const source = path.join(from, entry.name);
      const existing = await this.fs.lstat(into, entry.name);
      const segments = [...into.segments, entry.name];
      if (entry.isDirectory() && existing?.isDirectory()) {
        const sub = await this.fs.openDir(into, entry.name);
        try {
          await this.visit(source, sub, apply);
        } finally {
          await sub.close();
        }
        continue;
      }
      if (entry.isDirectory() && existing?.isSymbolicLink()) throw outsideMount(segments);
      if (existing && entry.isDirectory() !== existing.isDirectory()) throw clash(segments, entry.isDirectory());
      if (apply) await this.fs.moveIn(source, into, entry.name);
    }
  }
}

function clash(segments: readonly string[], uploadingDirectory: boolean): ValidationError {
  const [what, there] = uploadingDirectory ? ['a directory', 'a file'] : ['a file', 'a directory'];
  return new ValidationError(
    FilesErrorCode.ZIP_PATH_CLASH,
    `The archive has ${what} where /app has ${there}: ${displayPath(segments)}`,
    {
      path: displayPath(segments),
    },
  );
}
