import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { appendFileSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../common/config/app-config';
import type { AuditEntry } from './audit-entry';

const MAX_QUEUED = 100_000;
const MAX_BATCH = 512;

/**
 * Append-only writer for `LOG_DIR/actions.jsonl`.
 * Requests never wait for the disk: entries are queued and written in batches by one loop.
 * Each batch is one append write of whole lines, a rotated or deleted file is noticed and reopened,
 * and a torn last line left by a crash is cut off at boot so every line parses.
 */
@Injectable()
export class AuditLog implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('AuditLog');
  private readonly file: string;
  private handle: fs.FileHandle | null = null;
  private handleIno = -1;
  private queue: string[] = [];
  private draining: Promise<void> | null = null;
  private dropped = 0;

  constructor(config: AppConfig) {
    this.file = path.join(config.logDir, 'actions.jsonl');
  }

  get filePath(): string {
    return this.file;
  }

  async onModuleInit(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await this.cutTornLine();
  }

  write(entry: AuditEntry): void {
    if (this.queue.length >= MAX_QUEUED) {
      this.dropped += 1;
      return;
    }
    this.queue.push(JSON.stringify(entry) + '\n');
    this.draining ??= this.drain().finally(() => {
      this.draining = null;
    });
  }

  /**
   * For a process about to die, when no later turn of the event loop will come: appends what is
   * still queued, then `entries`, synchronously. A batch already handed to the disk may land after.
   */
  writeSyncBeforeExit(entries: readonly AuditEntry[]): void {
    const lines = this.queue.splice(0).join('') + entries.map((entry) => JSON.stringify(entry) + '\n').join('');
    if (lines !== '') appendFileSync(this.file, lines);
  }

  /** Resolves once everything queued so far is on disk (or failed to get there). */
  async flush(): Promise<void> {
    while (this.draining) await this.draining;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.flush();
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH).join('');
      try {
        const handle = await this.currentHandle();
        await handle.appendFile(batch);
      } catch (err) {
        this.logger.error(`audit write failed: ${(err as Error).message}`);
        this.handle = null;
      }
      if (this.dropped > 0) {
        this.logger.warn(`audit queue full: ${this.dropped} entries dropped`);
        this.dropped = 0;
      }
    }
  }

  private async currentHandle(): Promise<fs.FileHandle> {
    if (this.handle) {
      const onDisk = await fs.stat(this.file).catch(() => null);
      if (onDisk && onDisk.ino === this.handleIno) return this.handle;
      await this.handle.close().catch(() => undefined);
      this.handle = null;
    }
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const handle = await fs.open(this.file, 'a', 0o640);
    this.handleIno = (await handle.stat()).ino;
    this.handle = handle;
    return handle;
  }

  private async cutTornLine(): Promise<void> {
    const handle = await fs.open(this.file, 'a+').catch(() => null);
    if (!handle) return;
    try {
      const { size } = await handle.stat();
      if (size === 0) return;
      const tailSize = Math.min(size, 64 * 1024);
      const tail = Buffer.alloc(tailSize);
      await handle.read(tail, 0, tailSize, size - tailSize);
      if (tail[tailSize - 1] === 0x0a) return;
      const lastNewline = tail.lastIndexOf(0x0a);
      const keep = lastNewline >= 0 ? size - tailSize + lastNewline + 1 : 0;
      await handle.truncate(keep);
      this.logger.warn(`cut a torn last line (${size - keep} bytes) from ${this.file}`);
    } finally {
      await handle.close();
    }
  }
}
