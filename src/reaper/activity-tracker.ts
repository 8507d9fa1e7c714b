import { Injectable } from '@nestjs/common';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ProjectPaths } from '../compose/project-paths';
import type { ContainerSpec } from '../containers/container.types';

/** Persisting every touch would write the disk on every request; a restart loses at most this much. */
const PERSIST_EVERY_MS = 5_000;
const ACTIVITY_FILE = 'last-activity';

/**
 * When each container was last used (API calls, open terminals), for idle auto-stop. Kept in memory
 * and persisted as the modification time of `<project>/last-activity`, so deadlines survive a restart
 * and a container that went idle while the service was down is stopped at boot.
 */
@Injectable()
export class ActivityTracker {
  private readonly last = new Map<string, number>();
  private readonly persistedAt = new Map<string, number>();
  private changes = 0;

  constructor(private readonly paths: ProjectPaths) {}

  /** Moves whenever a last-use time does (answers that show `idle_stop_at` are current until it moves). */
  get version(): number {
    return this.changes;
  }

  touch(cuid: string, now = Date.now()): void {
    this.changes += 1;
    this.last.set(cuid, Math.max(now, this.last.get(cuid) ?? 0));
    if (now - (this.persistedAt.get(cuid) ?? 0) < PERSIST_EVERY_MS) return;
    this.persistedAt.set(cuid, now);
    // Writing the empty file sets its mtime; a project deleted meanwhile just makes this fail.
    fs.writeFile(this.file(cuid), '').catch(() => undefined);
  }

  /** Epoch ms of the last use: this run's, else the persisted one, else the last change of the spec. */
  async lastActivity(spec: ContainerSpec): Promise<number> {
    let last = this.last.get(spec.cuid);
    if (last === undefined) {
      const stat = await fs.stat(this.file(spec.cuid)).catch(() => null);
      last = Math.max(stat?.mtimeMs ?? 0, Date.parse(spec.updated_at) || 0);
      this.changes += 1;
      this.last.set(spec.cuid, Math.max(last, this.last.get(spec.cuid) ?? 0));
    }
    return this.last.get(spec.cuid) ?? last;
  }

  forget(cuid: string): void {
    this.changes += 1;
    this.last.delete(cuid);
    this.persistedAt.delete(cuid);
  }

  private file(cuid: string): string {
    return path.join(this.paths.dir(cuid), ACTIVITY_FILE);
  }
}
