/**
 * The error-code registry's type machinery. Each module owns its codes: it declares them with
 * `errorCodes(...)` in its own `*.errors.ts` and adds them to `ErrorCodes` by declaration merging
 * (`declare module '../common/errors/error-codes' { interface ErrorCodes { files: typeof FilesErrorCode } }`).
 * `ErrorCode`, the union of every module's codes, is what `AppError` and `@ApiErrors` take, so a code
 * that no module declares does not compile, and common never imports a feature module to know them.
 */
export interface ErrorCodes {
  common: typeof CommonErrorCode;
}

/** Every registered code, of every module. */
export type ErrorCode = { [M in keyof ErrorCodes]: ErrorCodes[M][keyof ErrorCodes[M]] }[keyof ErrorCodes];

/** A module's codes as a frozen `{ CODE: 'CODE' }` object: `FilesErrorCode.PATH_NOT_FOUND`. */
export function errorCodes<const C extends readonly string[]>(...codes: C): { readonly [K in C[number]]: K } {
  return Object.freeze(Object.fromEntries(codes.map((code) => [code, code]))) as { readonly [K in C[number]]: K };
}

/**
 * Codes of the HTTP pipeline itself (auth challenge, body parsing, routing, validation, and the
 * fallbacks for errors without a code of their own), raised by `common/`, and the few codes
 * several modules raise with one meaning (reading a request body, shared query parameters).
 */
export const CommonErrorCode = errorCodes(
  'AUTH_REQUIRED',
  'INVALID_CREDENTIALS',
  'TOO_MANY_ATTEMPTS',
  'ORIGIN_NOT_ALLOWED',
  'INVALID_JSON',
  'JSON_TOO_DEEP',
  'FORBIDDEN_KEY',
  'UNSUPPORTED_ENCODING',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'UPLOAD_TIMEOUT',
  'UPLOAD_ABORTED',
  'ROUTE_NOT_FOUND',
  'UNKNOWN_FIELD',
  // Query parameters several modules take, with one meaning each.
  'INVALID_LIMIT',
  'INVALID_CURSOR',
  'INVALID_SINCE',
  'INVALID_STATUS',
  'INVALID_CUID',
  'INVALID_STREAM',
  // A state several modules refuse with one meaning (lifecycle, stats, terminal, the engine client).
  'CONTAINER_NOT_RUNNING',
  'INVALID_REQUEST',
  'BAD_REQUEST',
  'CONFLICT',
  'INVALID_STATE',
  'INTERNAL_ERROR',
);
