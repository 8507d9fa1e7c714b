import type { components } from './generated/api';

export type ErrorBody = components['schemas']['ErrorBodyDto'];

/**
 * An error answer of the API, in its schema: `code` is stable (switch on it), `request_id` is the
 * id the service logged the request under (quote it when reporting a problem).
 */
export class ApiError<Code extends string = string> extends Error {
  override readonly name = 'ApiError';
  readonly code: Code;
  readonly error: string;
  readonly status: number;
  readonly request_id: string | null;
  readonly details: Record<string, unknown>;
  readonly timestamp: string | null;

  constructor(
    body: ErrorBody & { code: Code },
    readonly retryAfterS: number | null = null,
  ) {
    super(body.message);
    this.code = body.code;
    this.error = body.error;
    this.status = body.status;
    this.request_id = body.request_id ?? null;
    this.details = body.details ?? {};
    this.timestamp = body.timestamp ?? null;
  }
}

/** The service could not be reached, or the connection broke before a whole answer arrived. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';

  constructor(
    message: string,
    /** The system error code (`ECONNREFUSED`, `ECONNRESET`, …) or `CONNECTION_CLOSED`. */
    readonly code: string,
    /** The `X-Request-Id` the client sent, so the request can be found in the audit log. */
    readonly request_id: string,
    /** True when no byte of the request reached the service (always safe to send again). */
    readonly beforeSending: boolean,
  ) {
    super(message);
  }
}

export function isApiError<C extends string>(err: unknown, code?: C): err is ApiError<C> {
  return err instanceof ApiError && (code === undefined || err.code === code);
}

/** Builds an ApiError from any error answer, also one not in the schema (a proxy's 502 page). */
export function toApiError(status: number, text: string, requestId: string, retryAfter?: string): ApiError {
  const retryAfterS = retryAfter !== undefined && /^\d+$/.test(retryAfter) ? Number(retryAfter) : null;
  try {
    const body = JSON.parse(text) as Partial<ErrorBody>;
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      return new ApiError({ ...(body as ErrorBody), status: body.status ?? status }, retryAfterS);
    }
  } catch {
    // Not JSON: fall through to a synthetic body that still has a code and the request id.
  }
  return new ApiError(
    {
      error: 'http_error',
      code: `HTTP_${status}`,
      message: text.slice(0, 200) || `HTTP ${status}`,
      status,
      request_id: requestId,
      timestamp: new Date().toISOString(),
      details: {},
    },
    retryAfterS,
  );
}
