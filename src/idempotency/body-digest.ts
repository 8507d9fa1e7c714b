import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, TimeoutError, ValidationError } from '../common/errors/app-error';
import { CommonErrorCode } from '../common/errors/error-codes';

/**
 * SHA-256 of a request body, computed from the chunks as whoever reads the body consumes them; the
 * body is never held here. It taps `emit('data')` rather than adding a 'data' listener, because a
 * listener would switch the stream to flowing mode before the route's own reader is attached, and
 * every chunk emitted before that would be lost to it.
 */
export class BodyDigest {
  private readonly hash = createHash('sha256');
  private digest: string | null = null;

  constructor(private readonly req: IncomingMessage) {
    const hash = this.hash;
    const emit = req.emit.bind(req) as (event: string | symbol, ...args: unknown[]) => boolean;
    req.emit = ((event: string | symbol, ...args: unknown[]): boolean => {
      if (event === 'data') hash.update(args[0] as Buffer | string);
      return emit(event, ...args);
    }) as typeof req.emit;
  }

  /** True once the whole body has been consumed, so the digest covers all of it. */
  get complete(): boolean {
    return this.req.readableEnded;
  }

  hex(): string {
    this.digest ??= this.hash.digest('hex');
    return this.digest;
  }

  /** Reads and discards the rest of the body (a replay must still compare what was sent). */
  drain(maxBytes: number, idleMs: number): Promise<void> {
    const req = this.req;
    if (req.readableEnded) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let bytes = 0;
      const timer = setTimeout(
        () => done(new TimeoutError(CommonErrorCode.UPLOAD_TIMEOUT, 'The upload stalled')),
        idleMs,
      );
      const onData = (chunk: Buffer): void => {
        timer.refresh();
        bytes += chunk.length;
        if (bytes > maxBytes) {
          done(
            new PayloadTooLargeError(CommonErrorCode.PAYLOAD_TOO_LARGE, `The upload is larger than ${maxBytes} bytes`, {
              limit_bytes: maxBytes,
            }),
          );
        }
      };
      const onEnd = (): void => done();
      const onClose = (): void => {
        if (!req.readableEnded)
          done(new ValidationError(CommonErrorCode.UPLOAD_ABORTED, 'The client closed the upload before it ended'));
      };
      const done = (err?: Error): void => {
        clearTimeout(timer);
        req.off('data', onData).off('end', onEnd).off('close', onClose);
        if (err) {
          // Keep reading (and discarding) so the error answer can still reach the client.
          req.resume();
          reject(err);
        } else resolve();
      };
      req.on('data', onData).on('end', onEnd).on('close', onClose);
      req.resume();
    });
  }
}
