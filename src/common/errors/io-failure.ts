import { AppError, ErrorDetails, IoError } from './app-error';
import type { ErrorCode } from './error-codes';

/** The errno name of a failed system call (`ENOENT`, `ENOSPC`…), or `UNKNOWN`: all a client may learn of it. */
export function errnoOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/**
 * What a failed filesystem call becomes: an `io_error` with the caller's code, message and details,
 * never the original message (it holds host paths). An AppError raised inside the call passes as it is.
 */
export function ioFailure(err: unknown, code: ErrorCode, message: string, details: ErrorDetails = {}): AppError {
  return err instanceof AppError ? err : new IoError(code, message, details);
}
