import type { Response } from 'express';
import type { SseStream } from '../common/http/sse-stream';

export type LogSource = 'stdout' | 'stderr';

/** Where a container's output goes: plain text or SSE, with the response's backpressure. */
export interface LogSink {
  /** Raw bytes of one source (only used when one source is sent as plain text). */
  raw(chunk: Buffer): boolean;
  line(source: LogSource, line: Buffer): boolean;
  whenDrained(listener: () => void): void;
  end(reason: string): void;
}

export class TextSink implements LogSink {
  constructor(private readonly res: Response) {
    res.status(200);
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
  }

  raw(chunk: Buffer): boolean {
    return this.res.write(chunk);
  }

  line(_source: LogSource, line: Buffer): boolean {
    return this.res.write(Buffer.concat([line, NEWLINE]));
  }

  whenDrained(listener: () => void): void {
    this.res.once('drain', listener);
  }

  end(): void {
    if (!this.res.writableEnded) this.res.end();
  }
}

/** `event: stdout` / `event: stderr`, one line per event; ends with `event: end`. */
export class SseSink implements LogSink {
  constructor(private readonly stream: SseStream) {}

  raw(chunk: Buffer): boolean {
    return this.stream.push({ event: 'stdout', data: chunk.toString('utf8') });
  }

  line(source: LogSource, line: Buffer): boolean {
    return this.stream.push({ event: source, data: line.toString('utf8') });
  }

  whenDrained(listener: () => void): void {
    this.stream.whenDrained(listener);
  }

  end(reason: string): void {
    this.stream.end({ event: 'end', data: { reason } });
  }
}

const NEWLINE = Buffer.from('\n');
