import { AppError } from '../common/errors/app-error';

/** Too many terminal sessions, in total or on one container. */
export class SessionLimitError extends AppError {
  readonly error = 'rate_limited';
  readonly status = 429;
}

/** An upgrade request with an absurd number of headers. */
export class TooManyHeadersError extends AppError {
  readonly error = 'validation_error';
  readonly status = 431;
}
