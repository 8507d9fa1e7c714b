import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { appendFileSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Observable, Subject } from 'rxjs';
import { AppConfig } from '../common/config/app-config';
import type { AuditEntry } from './audit-entry';
import { rotateFiles } from './audit-rotation';
import { FailureDigest } from './failure-digest';

const MAX_QUEUED = 100_000;
const MAX_BATCH = 512;

/**
 * Append-only writer for `LOG_DIR/actions.jsonl`.
 * Requests never wait for the disk: entries are queued and written in batches by one loop.
 * Each batch is one append write of whole lines, a rotated or deleted file is noticed and reopened,
 * and a torn last line left by a crash is cut off at boot so every line parses.
 * The file is rotated by size (`.1` newest … `.AUDIT_MAX_FILES` oldest), and repeated failed
 * logins from one address are collapsed into counted entries, so anonymous traffic cannot fill
 * the disk.
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
  private readonly maxBytes: number;
  private readonly maxFiles: number;
  private readonly digest: FailureDigest;
  private readonly digestTimer: NodeJS.Timeout;
  private pendingSince: number | null = null;
  private readonly accepted = new Subject<AuditEntry>();
  private readonly stamps: ((entry: AuditEntry) => AuditEntry)[] = [];
  /** Every entry as it is handed to the writer: feeds `/events` and the metrics without reading the file. */
  readonly entries: Observable<AuditEntry> = this.accepted.asObservable();

  constructor(config: AppConfig) {
    this.file = path.join(config.logDir, 'actions.jsonl');
    ({ maxBytes: this.maxBytes, maxFiles: this.maxFiles } = config.auditRotation);
    const windowMs = config.auditFailureWindowMs;
    this.digest = new FailureDigest(windowMs);
    this.digestTimer = setInterval(
      () => this.digest.due().forEach((e) => this.enqueue(e)),
      Math.max(250, windowMs / 4),
    );
    this.digestTimer.unref();
  }

  get filePath(): string {
    return this.file;
  }

  async onModuleInit(): Promise<void> {
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    await this.cutTornLine();
  }

  /** Entries waiting for the disk, and for how long the oldest of them has waited (0 when none). */
  get backlog(): { depth: number; ageMs: number } {
    const since = this.pendingSince;
    return { depth: this.queue.length, ageMs: since === null ? 0 : performance.now() - since };
  }

  /** Adds fields to every entry before it is written (cluster mode's node names). */
  addStamp(stamp: (entry: AuditEntry) => AuditEntry): void {
    this.stamps.push(stamp);
  }

  write(entry: AuditEntry): void {
    const now = this.digest.offer(this.stamps.reduce((e, stamp) => stamp(e), entry));
    if (now) this.enqueue(now);
  }

  private enqueue(entry: AuditEntry): void {
    this.accepted.next(entry);
    this.pendingSince ??= performance.now();
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
    clearInterval(this.digestTimer);
    this.digest.drain().forEach((e) => this.enqueue(e));
    await this.flush();
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const queued = this.queue.length;
      try {
        await this.writeBatch();
      } catch (err) {
        // Lines that could not be written are dropped: a failing disk must not spin this loop.
        if (this.queue.length === queued) this.queue.splice(0, MAX_BATCH);
        this.logger.error(`audit write failed: ${(err as Error).message}`);
        this.handle = null;
      }
      if (this.dropped > 0) {
        this.logger.warn(`audit queue full: ${this.dropped} entries dropped`);
        this.dropped = 0;
      }
    }
    this.pendingSince = null;
  }

  /** Appends the next batch, rotating first when the next line would take the file past AUDIT_MAX_BYTES. */
  private async writeBatch(): Promise<void> {
    let { handle, size } = await this.currentHandle();
    if (size > 0 && size + Buffer.byteLength(this.queue[0] ?? '') > this.maxBytes) {
      try {
        await this.rotate();
      } catch (err) {
        // Better a file over its cap than lost audit lines.
        this.logger.error(`audit rotation failed: ${(err as Error).message}`);
      }
      ({ handle, size } = await this.currentHandle());
    }
    await handle.appendFile(this.takeBatch(this.maxBytes - size));
  }

  /** Whole lines that fit in `room` bytes, at least one (a line longer than a whole file goes alone), at most MAX_BATCH. */
  private takeBatch(room: number): string {
    let bytes = 0;
    let count = 0;
    while (count < this.queue.length && count < MAX_BATCH) {
      bytes += Buffer.byteLength(this.queue[count] ?? '');
      if (count > 0 && bytes > room) break;
      count += 1;
    }
    return this.queue.splice(0, count).join('');
  }

  private async rotate(): Promise<void> {
    await this.handle?.close().catch(() => undefined);
    this.handle = null;
    await rotateFiles(this.file, this.maxFiles);
  }

  /** The open file and its size now; reopened when it was rotated away or removed behind our back. */
  private async currentHandle(): Promise<{ handle: fs.FileHandle; size: number }> {
    if (this.handle) {
      const onDisk = await fs.stat(this.file).catch(() => null);
      if (onDisk && onDisk.ino === this.handleIno) return { handle: this.handle, size: onDisk.size };
      await this.handle.close().catch(() => undefined);
      this.handle = null;
    }
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const handle = await fs.open(this.file, 'a', 0o640);
    const stat = await handle.stat();
    this.handleIno = stat.ino;
    this.handle = handle;
    return { handle, size: stat.size };
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
