import { errorCodes } from '../common/errors/error-codes';
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

/** Codes of terminals: the upgrade query, session limits, frames and the session itself. */
export const TerminalErrorCode = errorCodes(
  'INVALID_MODE',
  'INVALID_TTY',
  'INVALID_OUTPUT_FORMAT',
  'TTY_REQUIRES_EXEC_MODE',
  'INVALID_TERMINAL_SIZE',
  'CMD_REQUIRES_EXEC_MODE',
  'MISSING_CMD',
  'CMD_TOO_LONG',
  'INVALID_CMD',
  'TOO_MANY_HEADERS',
  'SHUTTING_DOWN',
  'TOO_MANY_TERMINAL_SESSIONS',
  'TOO_MANY_CONTAINER_SESSIONS',
  'BINARY_FRAME_UNSUPPORTED',
  'INVALID_FRAME',
  'UNKNOWN_FRAME_TYPE',
  'INVALID_STDIN_DATA',
  'INVALID_BASE64',
  'INVALID_ENCODING',
  'INVALID_SIGNAL',
  'STDIN_QUEUE_FULL',
  'STDIN_STALLED',
  'OUTPUT_STREAM_ENDED',
  'SIGNAL_FAILED',
  'SESSION_CLEANUP_FAILED',
);

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    terminal: typeof TerminalErrorCode;
  }
}
