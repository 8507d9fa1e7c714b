import { AppError } from '../common/errors/app-error';

/** The body is not a zip by its Content-Type: a validation error with the 415 status. */
export class UnsupportedMediaTypeError extends AppError {
  readonly error = 'validation_error';
  readonly status = 415;
}

/** A Range that misses the file: a validation error with the 416 status (sent with `Content-Range: bytes *\/size`). */
export class RangeNotSatisfiableError extends AppError {
  readonly error = 'validation_error';
  readonly status = 416;
}
