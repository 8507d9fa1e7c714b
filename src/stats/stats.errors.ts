import { errorCodes } from '../common/errors/error-codes';

/** Codes of resource statistics. */
export const StatsErrorCode = errorCodes('STATS_UNAVAILABLE');

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    stats: typeof StatsErrorCode;
  }
}
