import type { Response } from 'express';

export interface SseOptions {
  /** Bytes a client may leave unread before it is dropped. */
  maxBufferedBytes: number;
  /** Interval of the comment lines that keep proxies from closing an idle stream. */
  heartbeatMs: number;
}

export interface SseMessage {
  id?: string | number;
  event?: string;
  data: unknown;
}

/** How long a dropped client may keep its socket to read the final event before it is cut. */
const DROP_GRACE_MS = 5_000;

/**
 * One Server-Sent Events response. Writes never wait: a client that reads slower than we write has
 * its unsent bytes counted, and past `maxBufferedBytes` it gets one final event and is closed, so a
 * stalled reader costs at most that much memory.
 */
export class SseStream {
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly res: Response,
    private readonly options: SseOptions,
  ) {}

  open(): this {
    this.res.status(200);
    this.res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('Cache-Control', 'no-cache, no-transform');
    this.res.setHeader('Connection', 'keep-alive');
    // nginx buffers responses unless told not to; events must reach the client as they happen.
    this.res.setHeader('X-Accel-Buffering', 'no');
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.res.write(': stream open\n\n');
    this.heartbeat = setInterval(() => this.comment('heartbeat'), this.options.heartbeatMs);
    this.heartbeat.unref();
    this.res.once('close', () => this.finish());
    return this;
  }

  /** Bytes written but not yet taken by the client. */
  get buffered(): number {
    return this.res.writableLength;
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }

  /** Sends one event; false when the stream is closed or the client fell too far behind (then dropped). */
  send(message: SseMessage): boolean {
    if (this.closed) return false;
    if (this.buffered > this.options.maxBufferedBytes) {
      this.drop(message.id);
      return false;
    }
    this.res.write(formatEvent(message));
    return true;
  }

  /**
   * Sends one event for a finite stream the caller can pause (logs): never drops, returns false when
   * the caller should wait for `whenDrained` before sending more.
   */
  push(message: SseMessage): boolean {
    if (this.closed) return false;
    return this.res.write(formatEvent(message));
  }

  whenDrained(listener: () => void): void {
    this.res.once('drain', listener);
  }

  comment(text: string): void {
    if (!this.closed) this.res.write(`: ${text.replace(/[\r\n]/g, ' ')}\n\n`);
  }

  /** Ends the stream after an optional last event. */
  end(last?: SseMessage): void {
    if (this.closed) return;
    if (last) this.res.write(formatEvent(last));
    this.res.end();
    this.finish();
  }

  private drop(lastUnsentId: string | number | undefined): void {
    const cut = setTimeout(() => this.res.destroy(), DROP_GRACE_MS);
    cut.unref();
    this.res.once('finish', () => clearTimeout(cut));
    this.end({
      event: 'dropped',
      data: {
        reason: 'slow_client',
        message: 'The client read too slowly; reconnect with Last-Event-ID to resume',
        ...(lastUnsentId !== undefined ? { first_missed_id: lastUnsentId } : {}),
      },
    });
  }

  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.heartbeat) clearInterval(this.heartbeat);
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

export function formatEvent(message: SseMessage): string {
  const data = typeof message.data === 'string' ? message.data : JSON.stringify(message.data);
  let out = '';
  if (message.id !== undefined) out += `id: ${message.id}\n`;
  if (message.event) out += `event: ${message.event}\n`;
  // Every line of the payload needs its own `data:` prefix, or the client reads a newline as the end.
  for (const line of data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

/** True when the client asked for Server-Sent Events. */
export function wantsEventStream(accept: string | undefined): boolean {
  return typeof accept === 'string' && accept.includes('text/event-stream');
}
