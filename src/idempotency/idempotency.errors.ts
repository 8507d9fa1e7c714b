import { errorCodes } from '../common/errors/error-codes';
import { AppError, ConflictError } from '../common/errors/app-error';

/** Codes of the Idempotency-Key handling. */
export const IdempotencyErrorCode = errorCodes(
  'INVALID_IDEMPOTENCY_KEY',
  'IDEMPOTENCY_KEY_REUSED',
  'IDEMPOTENCY_IN_PROGRESS',
  'IDEMPOTENCY_STORE_FAILED',
);

/** The key already belongs to a request with another method, path or body. */
export class KeyReusedError extends AppError {
  readonly error = 'validation_error';
  readonly status = 422;

  constructor(key: string) {
    super(
      IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
      'This Idempotency-Key was used for a different request (method, path or body); use a new key',
      { key_length: key.length },
    );
  }
}

/** The first request with the key is still running after the wait; Retry-After says when to ask again. */
export class KeyInProgressError extends ConflictError {
  constructor(readonly retryAfterS: number) {
    super(
      IdempotencyErrorCode.IDEMPOTENCY_IN_PROGRESS,
      'A request with this Idempotency-Key is still running; retry later',
      {
        retry_after_s: retryAfterS,
      },
    );
  }
}

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    idempotency: typeof IdempotencyErrorCode;
  }
}
