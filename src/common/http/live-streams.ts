import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { AppConfig } from '../config/app-config';
import { SseStream } from './sse-stream';

/**
 * Opens SSE responses with the configured limits and ends the ones still open at shutdown: Nest
 * closes the HTTP server after this hook, and that would otherwise wait forever on endless streams.
 */
@Injectable()
export class LiveStreams implements BeforeApplicationShutdown {
  private readonly open = new Set<SseStream>();

  constructor(private readonly config: AppConfig) {}

  get size(): number {
    return this.open.size;
  }

  start(res: Response): SseStream {
    const stream = new SseStream(res, {
      maxBufferedBytes: this.config.sseMaxBufferedBytes,
      heartbeatMs: this.config.sseHeartbeatMs,
    }).open();
    this.open.add(stream);
    stream.onClose(() => this.open.delete(stream));
    return stream;
  }

  beforeApplicationShutdown(): void {
    for (const stream of [...this.open]) stream.end({ event: 'end', data: { reason: 'shutdown' } });
  }
}
