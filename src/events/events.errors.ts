import { errorCodes } from '../common/errors/error-codes';

/** Codes of the event stream query. */
export const EventsErrorCode = errorCodes('INVALID_EVENT_TYPE');

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    events: typeof EventsErrorCode;
  }
}
