import { createWriteStream } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import type { Writable } from 'node:stream';
import { PayloadTooLargeError, TimeoutError, ValidationError } from '../common/errors/app-error';
import { ioFailure } from './mount-fs';
import { CommonErrorCode } from '../common/errors/error-codes';
import { FilesErrorCode } from './files.errors';

/** A client that sends nothing for this long is gone; without it a stalled upload would hold a staging file forever. */
export const UPLOAD_IDLE_TIMEOUT_MS = 60_000;

/** Body bytes buffered towards the spool file before the request is paused: fewer, larger writes. */
const SPOOL_BUFFER_BYTES = 1024 * 1024;

/**
 * Copies the request body to `target`, counting bytes as they arrive, and returns the count. Each
 * chunk also goes to `tap`, when given, and the request waits for the slower of the two. The tap
 * is ended with the body but never fails the spool: it must not emit 'error'.
 * On failure the request is drained, not destroyed, so the error answer still reaches the client.
 */
export function spoolRequest(
  req: IncomingMessage,
  target: string,
  maxBytes: number,
  options: { idleMs?: number; tap?: Writable } = {},
): Promise<number> {
  const { idleMs = UPLOAD_IDLE_TIMEOUT_MS, tap } = options;
  if (req.readableEnded)
    return Promise.reject(new ValidationError(FilesErrorCode.EMPTY_BODY, 'The request body was already read'));
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) {
    req.resume();
    return Promise.reject(bodyTooLarge(maxBytes));
  }
  return new Promise((resolve, reject) => {
    const out = createWriteStream(target, { flags: 'wx', mode: 0o600, highWaterMark: SPOOL_BUFFER_BYTES });
    let bytes = 0;
    let settled = false;
    let behind = 0;
    const caughtUp = (): void => {
      behind -= 1;
      if (behind === 0 && !settled) req.resume();
    };
    const timer = setTimeout(
      () => fail(new TimeoutError(CommonErrorCode.UPLOAD_TIMEOUT, 'The upload stalled')),
      idleMs,
    );
    const onData = (chunk: Buffer): void => {
      timer.refresh();
      bytes += chunk.length;
      if (bytes > maxBytes) return fail(bodyTooLarge(maxBytes));
      for (const sink of tap ? [out, tap] : [out]) {
        if (sink.write(chunk)) continue;
        behind += 1;
        sink.once('drain', caughtUp);
      }
      if (behind > 0) req.pause();
    };
    const onEnd = (): void => {
      clearTimeout(timer);
      out.end();
      tap?.end();
    };
    const onClose = (): void => {
      if (!req.complete && !req.readableEnded)
        fail(new ValidationError(CommonErrorCode.UPLOAD_ABORTED, 'The client closed the upload before it ended'));
    };
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData).off('end', onEnd).off('close', onClose);
      req.resume();
      // The file opens lazily: settle once it is closed, so it cannot appear after the caller cleaned up.
      out.destroy();
      if (out.closed) reject(err);
      else out.once('close', () => reject(err));
    };
    out.on('error', (err) => fail(ioFailure(err, 'write')));
    out.on('close', () => {
      if (settled) return;
      settled = true;
      resolve(bytes);
    });
    req.on('data', onData).on('end', onEnd).on('close', onClose);
    req.on('error', () => fail(new ValidationError(CommonErrorCode.UPLOAD_ABORTED, 'The upload connection failed')));
  });
}

function bodyTooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(CommonErrorCode.PAYLOAD_TOO_LARGE, `The upload is larger than ${limit} bytes`, {
    limit_bytes: limit,
  });
}
