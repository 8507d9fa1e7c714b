import { errorCodes } from '../common/errors/error-codes';

/** Codes of the audit query, and the two the audit log writes itself (never an HTTP answer). */
export const AuditErrorCode = errorCodes(
  'INVALID_UNTIL',
  'INVALID_ACTION',
  'INVALID_USER',
  'INVALID_ERROR_FILTER',
  'CURSOR_EXPIRED',
  'PROCESS_CRASHED',
  'REPEATED_AUTH_FAILURES',
);

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    audit: typeof AuditErrorCode;
  }
}
