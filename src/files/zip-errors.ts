import { AppError, ValidationError } from '../common/errors/app-error';
import { ioFailure } from './mount-fs';

export function zipCorrupt(reason: string, details: Record<string, unknown> = {}): ValidationError {
  return new ValidationError('ZIP_CORRUPT', 'The archive is truncated or corrupt', { reason, ...details });
}

/**
 * What an error out of unzipper means to the client. unzipper reports a truncated archive as a
 * bare `FILE_ENDED` and bad deflate data as zlib errors: both are the archive's fault. Only a read
 * of the spooled file that failed (recorded by the source, never thrown through unzipper) is ours.
 */
export function unzipperFailure(err: unknown, readError: unknown): AppError {
  if (err instanceof AppError) return err;
  if (readError !== undefined) return ioFailure(readError, 'read');
  if (isZlibError(err)) return zipCorrupt('invalid compressed data');
  if (err instanceof Error && err.message === 'FILE_ENDED') return zipCorrupt('unexpected end of archive');
  return zipCorrupt('unreadable archive structure');
}

function isZlibError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_');
}
