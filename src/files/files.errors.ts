import { AppError } from '../common/errors/app-error';

/** A Range that misses the file: a validation error with the 416 status (sent with `Content-Range: bytes *\/size`). */
export class RangeNotSatisfiableError extends AppError {
  readonly error = 'validation_error';
  readonly status = 416;
}
