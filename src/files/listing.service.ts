import { Injectable } from '@nestjs/common';
import type { Stats } from 'node:fs';
import { isoWithOffset } from '../common/time';
import { ContainerMount } from './container-mount';
import { MountDir, MountFs } from './mount-fs';
import { displayPath, parseMountPath } from './path-confinement';

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface DirectoryEntry {
  name: string;
  type: EntryType;
  size: number;
  mode: string;
  modified_at: string;
}

export interface DirectoryListing {
  path: string;
  entries: DirectoryEntry[];
}

/** lstat calls in flight at once: enough to hide latency, few enough not to flood the threadpool. */
const PARALLEL_STATS = 32;

/** files: one directory of the mount, entries described by lstat (a symlink is reported, never followed). */
@Injectable()
export class ListingService {
  constructor(
    private readonly mount: ContainerMount,
    private readonly fs: MountFs,
  ) {}

  async list(cuid: string, rawPath: string | undefined): Promise<DirectoryListing> {
    const segments = parseMountPath(rawPath);
    return this.mount.with(cuid, async (root) => {
      const dir = await this.fs.walk(root, segments);
      try {
        return { path: displayPath(segments), entries: await this.entries(dir) };
      } finally {
        if (dir !== root) await dir.close();
      }
    });
  }

  private async entries(dir: MountDir): Promise<DirectoryEntry[]> {
    const names = (await this.fs.readdir(dir)).sort();
    const entries: DirectoryEntry[] = [];
    for (let i = 0; i < names.length; i += PARALLEL_STATS) {
      const batch = names.slice(i, i + PARALLEL_STATS);
      const stats = await Promise.all(batch.map((name) => this.fs.lstat(dir, name)));
      batch.forEach((name, j) => {
        const st = stats[j];
        // A name that vanished between readdir and lstat is simply no longer there.
        if (st) entries.push(describe(name, st));
      });
    }
    return entries;
  }
}

function describe(name: string, st: Stats): DirectoryEntry {
  return {
    name,
    type: typeOf(st),
    size: st.size,
    mode: (st.mode & 0o7777).toString(8).padStart(4, '0'),
    modified_at: isoWithOffset(st.mtime),
  };
}

function typeOf(st: Stats): EntryType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'directory';
  if (st.isSymbolicLink()) return 'symlink';
  return 'other';
}
