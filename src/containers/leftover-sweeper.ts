import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { AuditEntry } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import { IoError } from '../common/errors/app-error';
import { errnoOf } from '../common/errors/io-failure';
import { TreeRemover } from '../common/fs/tree-remover';
import { isoWithOffset } from '../common/time';
import { ProjectPaths } from '../compose/project-paths';
import { ContainersErrorCode } from './containers.errors';

const PREFIX = '.deleting-';
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 10 * 60_000;

/**
 * Owns the bytes of deleted projects. A project directory is first renamed to `.deleting-<cuid>-…`
 * (atomic: from then on it never loads as a container), then removed. What cannot be removed now
 * is logged, audited and retried in the background with back-off, and swept at every boot — a
 * leftover never fails a request that already did its job, and never stops the service from booting.
 */
@Injectable()
export class LeftoverSweeper implements OnApplicationShutdown {
  private readonly logger = new Logger('LeftoverSweeper');
  /** Leftovers being removed right now, so a retry never races a removal in flight. */
  private readonly inProgress = new Set<string>();
  /** Failed attempts per leftover, for the audit line of its eventual removal. */
  private readonly attempts = new Map<string, number>();
  private retryTimer: NodeJS.Timeout | null = null;
  private retryDelayMs = FIRST_RETRY_MS;
  private stopped = false;

  constructor(
    private readonly paths: ProjectPaths,
    private readonly remover: TreeRemover,
    private readonly audit: AuditLog,
  ) {}

  /**
   * Renames a project's directory out of the way; resolves with the leftover's name, or null when
   * the directory was already gone. Throws (and changes nothing) when it cannot be moved.
   */
  async moveAside(cuid: string): Promise<string | null> {
    const name = `${PREFIX}${cuid}-${randomBytes(4).toString('hex')}`;
    try {
      await fs.rename(this.paths.dir(cuid), path.join(this.paths.root, name));
      return name;
    } catch (err) {
      if (errnoOf(err) === 'ENOENT') return null;
      throw new IoError(ContainersErrorCode.PROJECT_DELETE_FAILED, 'Could not remove the container project', {
        errno: errnoOf(err),
      });
    }
  }

  /** Removes a leftover now; on failure it is audited and retried later. Never throws. */
  async remove(name: string): Promise<void> {
    if (this.inProgress.has(name)) return;
    this.inProgress.add(name);
    const started = performance.now();
    try {
      await this.remover.remove(path.join(this.paths.root, name));
      const failed = this.attempts.get(name);
      if (failed !== undefined) {
        this.attempts.delete(name);
        this.logger.log(`removed ${name} after ${failed} failed attempt(s)`);
        this.audit.write(entry(name, started, { status: 200, failed_attempts: failed }));
      }
    } catch (err) {
      const failed = (this.attempts.get(name) ?? 0) + 1;
      this.attempts.set(name, failed);
      this.logger.warn(`could not remove ${name} (attempt ${failed}, ${errnoOf(err)}); will retry`);
      this.audit.write(
        entry(name, started, {
          status: 500,
          error: 'io_error',
          code: ContainersErrorCode.LEFTOVER_REMOVE_FAILED,
          errno: errnoOf(err),
          failed_attempts: failed,
        }),
      );
      this.scheduleRetry();
    } finally {
      this.inProgress.delete(name);
    }
  }

  /** Removes every leftover of an interrupted or failed delete. Never throws: the boot must go on. */
  async sweep(): Promise<void> {
    let names: string[];
    try {
      names = (await fs.readdir(this.paths.root)).filter((n) => n.startsWith(PREFIX));
    } catch (err) {
      this.logger.warn(`could not list leftovers (${errnoOf(err)}); will retry`);
      this.scheduleRetry();
      return;
    }
    for (const known of this.attempts.keys()) if (!names.includes(known)) this.attempts.delete(known);
    for (const name of names) await this.remove(name);
    if (this.attempts.size === 0) this.retryDelayMs = FIRST_RETRY_MS;
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }

  private scheduleRetry(): void {
    if (this.stopped || this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      void this.sweep();
    }, this.retryDelayMs);
    this.retryTimer.unref();
    this.retryDelayMs = Math.min(this.retryDelayMs * 2, MAX_RETRY_MS);
  }
}

/** The audit line of a background removal: no request, so no user or address. */
function entry(name: string, started: number, outcome: { status: number; [key: string]: unknown }): AuditEntry {
  const cuid = /^\.deleting-(c[0-9a-f-]{36})-/.exec(name)?.[1] ?? null;
  return {
    timestamp: isoWithOffset(new Date()),
    request_id: randomUUID(),
    user: null,
    remote: null,
    method: 'SYSTEM',
    path: cuid ? `/containers/${cuid}` : '',
    action: 'container.cleanup',
    cuid,
    duration_ms: Math.round(performance.now() - started),
    compose: [],
    ...outcome,
  };
}
