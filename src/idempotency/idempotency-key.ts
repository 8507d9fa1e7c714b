import { createHash } from 'node:crypto';
import { ValidationError } from '../common/errors/app-error';
import { IdempotencyErrorCode } from './idempotency.errors';

export const IDEMPOTENCY_KEY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotency-Replayed';

/** 1–255 printable ASCII characters (space included), as the header's contract says. */
const KEY = /^[\x20-\x7e]{1,255}$/;

/** The request's key, undefined when it sent none; 400 INVALID_IDEMPOTENCY_KEY when it is malformed. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (!KEY.test(value)) {
    throw new ValidationError(
      IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY,
      'Idempotency-Key must be 1 to 255 printable characters',
      {
        header: 'Idempotency-Key',
        length: value.length,
      },
    );
  }
  return value;
}

/** What makes two requests "the same": method, path with query, and the body's digest. */
export function fingerprintOf(method: string, path: string, bodyDigest: string): string {
  return createHash('sha256').update(`${method}\n${path}\n${bodyDigest}`).digest('hex');
}

/**
 * Digest of a parsed JSON body. The parsed value (not the raw bytes, which the JSON parser does not
 * keep) is what the route acts on, so whitespace alone does not make a repeat "different".
 */
export function jsonBodyDigest(body: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(body ?? null))
    .digest('hex');
}
