import { errorCodes } from '../common/errors/error-codes';
import { AppError } from '../common/errors/app-error';

/** A Range that misses the file: a validation error with the 416 status (sent with `Content-Range: bytes *\/size`). */
export class RangeNotSatisfiableError extends AppError {
  readonly error = 'validation_error';
  readonly status = 416;
}

/** Codes of the file routes: paths, the mount, downloads and zip uploads. */
export const FilesErrorCode = errorCodes(
  'INVALID_PATH',
  'PATH_REQUIRED',
  'PATH_OUTSIDE_MOUNT',
  'PATH_NOT_FOUND',
  'PATH_TOO_DEEP',
  'NOT_A_FILE',
  'NOT_A_DIRECTORY',
  'MOUNT_UNAVAILABLE',
  'FILE_IO_FAILED',
  'RANGE_NOT_SATISFIABLE',
  'EMPTY_BODY',
  'ZIP_CORRUPT',
  'ZIP_UNSAFE_ENTRY',
  'ZIP_SYMLINK_ENTRY',
  'ZIP_ENCRYPTED',
  'ZIP_UNSUPPORTED_METHOD',
  'ZIP_PATH_CLASH',
  'ZIP_PATH_TOO_DEEP',
  'ZIP_NAME_TOO_LONG',
  'ZIP_TOO_MANY_ENTRIES',
  'ZIP_TOO_LARGE',
  'ZIP_RATIO_EXCEEDED',
);

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    files: typeof FilesErrorCode;
  }
}
