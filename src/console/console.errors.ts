import { errorCodes } from '../common/errors/error-codes';

/** Codes of the web console. */
export const ConsoleErrorCode = errorCodes('CONSOLE_NOT_BUILT');

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    console: typeof ConsoleErrorCode;
  }
}
