import { AppError, ValidationError } from '../common/errors/app-error';
import { ioFailure } from './mount-fs';
import { FilesErrorCode } from './files.errors';

export function zipCorrupt(reason: string, details: Record<string, unknown> = {}): ValidationError {
  return new ValidationError(FilesErrorCode.ZIP_CORRUPT, 'The archive is truncated or corrupt', { reason, ...details });
}

/**
 * What an error out of unzipper's central-directory parse means to the client. unzipper reports a
 * truncated archive as a bare `FILE_ENDED`: the archive's fault. Only a read of the spooled file
 * that failed (recorded by the source, never thrown through unzipper) is ours.
 */
export function unzipperFailure(err: unknown, readError: unknown): AppError {
  if (err instanceof AppError) return err;
  if (readError !== undefined) return ioFailure(readError, 'read');
  if (err instanceof Error && err.message === 'FILE_ENDED') return zipCorrupt('unexpected end of archive');
  return zipCorrupt('unreadable archive structure');
}

/** zlib's errors (codes `Z_…`) mean bad compressed data: the archive's fault; undefined for any other. */
export function inflateFailure(err: unknown): ValidationError | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('Z_') ? zipCorrupt('invalid compressed data') : undefined;
}
