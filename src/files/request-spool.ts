import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { PayloadTooLargeError, TimeoutError, ValidationError } from '../common/errors/app-error';
import { ioFailure } from './mount-fs';

/** A client that sends nothing for this long is gone; without it a stalled upload would hold a staging file forever. */
export const UPLOAD_IDLE_TIMEOUT_MS = 60_000;

/**
 * Copies the request body to `target`, counting bytes as they arrive, and returns the count.
 * On failure the request is drained, not destroyed, so the error answer still reaches the client.
 */
export function spoolRequest(
  req: IncomingMessage,
  target: string,
  maxBytes: number,
  idleMs = UPLOAD_IDLE_TIMEOUT_MS,
): Promise<number> {
  if (req.readableEnded) return Promise.reject(new ValidationError('EMPTY_BODY', 'The request body was already read'));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(bodyTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const out = createWriteStream(target, { flags: 'wx', mode: 0o600 });
    let bytes = 0;
    let settled = false;
    const timer = setTimeout(() => fail(new TimeoutError('UPLOAD_TIMEOUT', 'The upload stalled')), idleMs);
    const onData = (chunk: Buffer): void => {
      timer.refresh();
      bytes += chunk.length;
      if (bytes > maxBytes) return fail(bodyTooLarge(maxBytes));
      if (!out.write(chunk)) req.pause();
    };
    const onEnd = (): void => {
      clearTimeout(timer);
      out.end();
    };
    const onClose = (): void => {
      if (!req.complete && !req.readableEnded)
        fail(new ValidationError('UPLOAD_ABORTED', 'The client closed the upload before it ended'));
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      req.resume();
      out.destroy();
      reject(err);
    };
    out.on('drain', () => req.resume());
    out.on('error', (err) => fail(ioFailure(err, 'write')));
    out.on('close', () => {
      if (settled) return;
      settled = true;
      resolve(bytes);
    });
    req.on('data', onData).on('end', onEnd).on('close', onClose);
    req.on('error', () => fail(new ValidationError('UPLOAD_ABORTED', 'The upload connection failed')));
  });
}

function bodyTooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError('PAYLOAD_TOO_LARGE', `The upload is larger than ${limit} bytes`, {
    limit_bytes: limit,
  });
}
