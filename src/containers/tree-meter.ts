import { Injectable } from '@nestjs/common';
import { constants, promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export interface TreeSize {
  /** Allocated bytes (blocks × 512), so sparse files count for what they really take. */
  bytes: number;
  /** False when the walk stopped at a bound: bytes is then a lower bound. */
  complete: boolean;
}

export interface TreeBounds {
  maxEntries: number;
  maxDepth: number;
}

const DIR_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

interface Walk {
  bounds: TreeBounds;
  bytes: number;
  entries: number;
  complete: boolean;
  /** Inodes with several links, counted once. */
  linked: Set<string>;
}

/**
 * Measures a tree a container can write to. Each directory is opened with O_NOFOLLOW and its
 * children are reached through `/proc/self/fd/<fd>/<name>`, so a symlink swapped in mid-walk is never
 * followed and no path grows with the depth (a chain deeper than PATH_MAX is measured like any
 * other). Descriptors held: two per level, and levels are bounded.
 */
@Injectable()
export class TreeMeter {
  async measure(root: string, bounds: TreeBounds): Promise<TreeSize> {
    const walk: Walk = { bounds, bytes: 0, entries: 0, complete: true, linked: new Set() };
    let handle: FileHandle;
    try {
      handle = await fs.open(root, DIR_FLAGS);
    } catch {
      return { bytes: 0, complete: false };
    }
    try {
      await this.walkDir(handle, 0, walk);
    } finally {
      await handle.close();
    }
    return { bytes: walk.bytes, complete: walk.complete };
  }

  private async walkDir(dir: FileHandle, depth: number, walk: Walk): Promise<void> {
    walk.bytes += (await dir.stat()).blocks * 512;
    const base = `/proc/self/fd/${dir.fd}`;
    const entries = await fs.opendir(base, { bufferSize: 128 }).catch(() => null);
    if (!entries) return void (walk.complete = false);
    for await (const entry of entries) {
      if (walk.entries >= walk.bounds.maxEntries) {
        walk.complete = false;
        break;
      }
      walk.entries += 1;
      const child = `${base}/${entry.name}`;
      if (entry.isDirectory()) await this.walkChild(child, depth + 1, walk);
      else await this.countFile(child, walk);
    }
  }

  private async walkChild(child: string, depth: number, walk: Walk): Promise<void> {
    if (depth > walk.bounds.maxDepth) return void (walk.complete = false);
    // Gone or swapped for a symlink since it was listed: skipped, never followed.
    const handle = await fs.open(child, DIR_FLAGS).catch(() => null);
    if (!handle) return;
    try {
      await this.walkDir(handle, depth, walk);
    } finally {
      await handle.close();
    }
  }

  private async countFile(child: string, walk: Walk): Promise<void> {
    const stat = await fs.lstat(child).catch(() => null);
    if (!stat) return;
    if (stat.nlink > 1) {
      const key = `${stat.dev}:${stat.ino}`;
      if (walk.linked.has(key)) return;
      walk.linked.add(key);
    }
    walk.bytes += stat.blocks * 512;
  }
}
