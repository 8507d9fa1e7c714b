import { AppError, ConflictError } from '../common/errors/app-error';

/** The key already belongs to a request with another method, path or body. */
export class KeyReusedError extends AppError {
  readonly error = 'validation_error';
  readonly status = 422;

  constructor(key: string) {
    super(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key was used for a different request (method, path or body); use a new key',
      { key_length: key.length },
    );
  }
}

/** The first request with the key is still running after the wait; Retry-After says when to ask again. */
export class KeyInProgressError extends ConflictError {
  constructor(readonly retryAfterS: number) {
    super('IDEMPOTENCY_IN_PROGRESS', 'A request with this Idempotency-Key is still running; retry later', {
      retry_after_s: retryAfterS,
    });
  }
}
