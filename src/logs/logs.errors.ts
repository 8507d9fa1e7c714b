import { errorCodes } from '../common/errors/error-codes';

/** Codes of the log stream query. */
export const LogsErrorCode = errorCodes('INVALID_TAIL', 'INVALID_TIMESTAMPS', 'INVALID_FOLLOW');

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    logs: typeof LogsErrorCode;
  }
}
