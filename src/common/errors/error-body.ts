import { AppError, ErrorDetails, ErrorId } from './app-error';
import { isoWithOffset } from '../time';

export interface ErrorBody {
  error: ErrorId;
  code: string;
  message: string;
  status: number;
  request_id: string;
  timestamp: string;
  details: ErrorDetails;
  stacktrace?: string;
}

/** Renders an AppError in the guide's schema; the one place that shape is built (HTTP and WebSocket). */
export function toErrorBody(err: AppError, requestId: string, withStack: boolean): ErrorBody {
  const body: ErrorBody = {
    error: err.error,
    code: err.code,
    message: err.message,
    status: err.status,
    request_id: requestId,
    timestamp: isoWithOffset(new Date()),
    details: err.details,
  };
  if (withStack && err.stack) body.stacktrace = err.stack;
  return body;
}
