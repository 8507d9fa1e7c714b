import type { OutputStream } from './frames';

/** The largest output frame payload before encoding. */
export const MAX_BATCH_BYTES = 64 * 1024;
/** How long output may wait for more while output streams (or the socket still has unsent frames). */
export const BUSY_DELAY_MS = 4;
/** A batch this large means output is streaming, not echoing keys: the next one may wait for more. */
export const STREAMING_BATCH_BYTES = 4 * 1024;

/**
 * Joins output read close together into one frame: every frame is a JSON encoding, a WebSocket write
 * and a parse in the client, which for many small reads (a tty's output arrives a few KiB at a time)
 * costs more than the bytes. Output read in one event-loop turn goes out at the end of that turn, so a
 * keystroke's echo waits for nothing else; while output streams (the last batch was large) or the
 * socket still has frames to send, output waits a few milliseconds for more, up to a frame's size.
 * Order is kept across stdout and stderr: a change of stream sends what waits first.
 */
export class OutputBatcher {
  private stream: OutputStream = 'stdout';
  private chunks: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;
  private streaming = false;

  constructor(
    private readonly emit: (stream: OutputStream, bytes: Buffer) => void,
    /** Whether the socket still holds frames it has not sent. */
    private readonly busy: () => boolean,
    private readonly maxBytes = MAX_BATCH_BYTES,
  ) {}

  push(stream: OutputStream, chunk: Buffer): void {
    if (chunk.length === 0) return;
    if (this.size > 0 && stream !== this.stream) this.flush();
    this.stream = stream;
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.maxBytes) this.flush();
    else if (!this.timer && !this.immediate) {
      if (this.streaming || this.busy()) this.timer = setTimeout(() => this.flush(), BUSY_DELAY_MS);
      else this.immediate = setImmediate(() => this.flush());
    }
  }

  /** Sends whatever waits, now (before an exit frame, or when the batch is full). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.size === 0) return;
    const bytes = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks, this.size);
    this.streaming = this.size >= STREAMING_BATCH_BYTES;
    this.chunks = [];
    this.size = 0;
    this.emit(this.stream, bytes);
  }
}
