import { write } from 'node:fs';
import type { ProcessInput } from './terminal-process';

export type FdWrite = (buffer: Buffer, done: (err: NodeJS.ErrnoException | null, written: number) => void) => void;

const MAX_RETRY_MS = 50;

/**
 * Input written straight to a non-blocking descriptor (a pty's master side), holding what the
 * descriptor does not take yet. node-pty's own writer keeps an unbounded queue nobody can measure,
 * and retries a full pty on every event-loop turn; this one reports what it holds, backs off while
 * the pty is full, and drops everything once closed.
 */
export class FdInput implements ProcessInput {
  private readonly queue: Buffer[] = [];
  private queued = 0;
  private writing = false;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = 1;
  private closed = false;
  private readonly drained: (() => void)[] = [];

  constructor(private readonly writeFd: FdWrite) {}

  static forFd(fd: number): FdInput {
    return new FdInput((buffer, done) => write(fd, buffer, 0, buffer.length, null, done));
  }

  get queuedBytes(): number {
    return this.queued;
  }

  write(data: Buffer): void {
    if (this.closed || data.length === 0) return;
    this.queue.push(data);
    this.queued += data.length;
    if (!this.writing && !this.retry) this.next();
  }

  onDrained(listener: () => void): void {
    this.drained.push(listener);
  }

  /** The descriptor is about to close (or is gone): never touch it again, free what waits. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    const had = this.queued > 0;
    this.queue.length = 0;
    this.queued = 0;
    if (had) this.notifyDrained();
    this.drained.length = 0;
  }

  private next(): void {
    const head = this.queue[0];
    if (!head) {
      this.notifyDrained();
      return;
    }
    this.writing = true;
    this.writeFd(head, (err, written) => {
      this.writing = false;
      if (this.closed) return;
      if (err?.code === 'EAGAIN') {
        // The pty is full: the process is not reading. Poll with a growing delay instead of spinning.
        this.retry = setTimeout(() => {
          this.retry = null;
          this.next();
        }, this.retryMs);
        this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
        return;
      }
      if (err) {
        this.close(); // EIO: the process side of the pty is gone
        return;
      }
      this.retryMs = 1;
      this.queued -= written;
      if (written >= head.length) this.queue.shift();
      else this.queue[0] = head.subarray(written);
      this.next();
    });
  }

  private notifyDrained(): void {
    for (const listener of this.drained) listener();
  }
}
