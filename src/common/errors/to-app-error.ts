import { HttpException, HttpStatus } from '@nestjs/common';
import {
  AppError,
  AuthError,
  ConflictError,
  IoError,
  NotFoundError,
  PayloadTooLargeError,
  StateError,
  ValidationError,
} from './app-error';
import { CommonErrorCode } from './error-codes';

/**
 * Maps anything thrown into an AppError, most specific first. Unknown errors become a generic 500
 * whose message reveals nothing about internals (the original is logged by the filter).
 */
export function toAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  const bodyParserType = (err as { type?: unknown } | null)?.type;
  if (bodyParserType === 'entity.parse.failed') {
    return new ValidationError(CommonErrorCode.INVALID_JSON, 'Request body is not valid JSON');
  }
  if (bodyParserType === 'entity.too.large') {
    return new PayloadTooLargeError(CommonErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large', {
      limit_bytes: (err as { limit?: number }).limit,
    });
  }
  if (bodyParserType === 'encoding.unsupported' || bodyParserType === 'charset.unsupported') {
    return new ValidationError(CommonErrorCode.UNSUPPORTED_ENCODING, 'Request body encoding is not supported');
  }
  if (err instanceof HttpException) return fromHttpException(err);
  return new IoError(CommonErrorCode.INTERNAL_ERROR, 'Internal server error');
}

function fromHttpException(err: HttpException): AppError {
  const status = err.getStatus() as HttpStatus;
  switch (status) {
    case HttpStatus.NOT_FOUND:
      return new NotFoundError(CommonErrorCode.ROUTE_NOT_FOUND, 'No such route');
    case HttpStatus.UNAUTHORIZED:
      return new AuthError(CommonErrorCode.AUTH_REQUIRED, 'Authentication required');
    case HttpStatus.PAYLOAD_TOO_LARGE:
      return new PayloadTooLargeError(CommonErrorCode.PAYLOAD_TOO_LARGE, 'Request body is too large');
    case HttpStatus.CONFLICT:
      return new ConflictError(CommonErrorCode.CONFLICT, err.message);
    case HttpStatus.UNPROCESSABLE_ENTITY:
      return new StateError(CommonErrorCode.INVALID_STATE, err.message);
    case HttpStatus.METHOD_NOT_ALLOWED:
    case HttpStatus.BAD_REQUEST:
      return new ValidationError(CommonErrorCode.BAD_REQUEST, err.message);
    default:
      return Number(status) >= 500
        ? new IoError(CommonErrorCode.INTERNAL_ERROR, 'Internal server error')
        : new ValidationError(CommonErrorCode.BAD_REQUEST, err.message);
  }
}
