import { CommonErrorCode, type ErrorCode } from './error-codes';

/** The guide's error ids, plus `rate_limited` (429) and `unavailable` (503) which it lacks. */
export type ErrorId =
  | 'auth_error'
  | 'validation_error'
  | 'not_found'
  | 'conflict'
  | 'compose_error'
  | 'io_error'
  | 'timeout'
  | 'state_error'
  | 'rate_limited'
  | 'unavailable';

export type ErrorDetails = Record<string, unknown>;

/**
 * Base of every error the service means to report. `code` is specific and stable (SCREAMING_SNAKE);
 * `message` and `details` must never carry secrets or host paths.
 */
export abstract class AppError extends Error {
  abstract readonly error: ErrorId;
  abstract readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class AuthError extends AppError {
  readonly error = 'auth_error';
  readonly status = 401;
}

export class ValidationError extends AppError {
  readonly error = 'validation_error';
  readonly status = 400;
}

/** A body or upload over its size limit: a validation error with the 413 status. */
export class PayloadTooLargeError extends AppError {
  readonly error = 'validation_error';
  readonly status = 413;
}

export class ForbiddenPathError extends AppError {
  readonly error = 'validation_error';
  readonly status = 403;
}

/** A browser page from another site tried to act here (it could ride on cached Basic credentials). */
export class OriginNotAllowedError extends AppError {
  readonly error = 'auth_error';
  readonly status = 403;
}

/** A body whose declared Content-Type the route does not take: a validation error with the 415 status. */
export class UnsupportedMediaTypeError extends AppError {
  readonly error = 'validation_error';
  readonly status = 415;
}

export class NotFoundError extends AppError {
  readonly error = 'not_found';
  readonly status = 404;
}

export class ConflictError extends AppError {
  readonly error = 'conflict';
  readonly status = 409;
}

export class ComposeError extends AppError {
  readonly error = 'compose_error';
  readonly status = 500;
}

export class IoError extends AppError {
  readonly error = 'io_error';
  readonly status = 500;
}

export class TimeoutError extends AppError {
  readonly error = 'timeout';
  readonly status = 408;
}

export class StateError extends AppError {
  readonly error = 'state_error';
  readonly status = 422;
}

export class RateLimitedError extends AppError {
  readonly error = 'rate_limited';
  readonly status = 429;

  constructor(
    readonly retryAfterS: number,
    message = 'Too many failed attempts; try again later',
  ) {
    super(CommonErrorCode.TOO_MANY_ATTEMPTS, message, { retry_after_s: retryAfterS });
  }
}

export class UnavailableError extends AppError {
  readonly error = 'unavailable';
  readonly status = 503;
}
