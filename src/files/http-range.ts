import type { Request } from 'express';

/** What a `Range` header asks of a file of a given size (RFC 9110 §14), single ranges only. */
export type RangeRequest =
  { kind: 'full' } | { kind: 'partial'; start: number; end: number } | { kind: 'unsatisfiable' };

/** A suffix range (`bytes=-N`, N > 0): range-parser refuses one longer than the file, RFC 9110 §14.1.2 serves it all. */
const NONZERO_SUFFIX = /^bytes=\s*-\s*0*[1-9]\d*\s*$/;

/**
 * The range `req` asks for, parsed by Express's `req.range()` (range-parser). An `If-Range` that no
 * longer matches, a malformed header, another unit and multi-range requests all get the whole file,
 * which RFC 9110 allows; a range that misses the file is unsatisfiable.
 */
export function requestedRange(req: Request, size: number, lastModified: string): RangeRequest {
  const ifRange = req.headers['if-range'];
  if (ifRange !== undefined && ifRange !== lastModified) return { kind: 'full' };
  const ranges = req.range(size, { combine: true });
  if (ranges === undefined || ranges === -2) return { kind: 'full' };
  if (ranges === -1) {
    return size > 0 && NONZERO_SUFFIX.test(req.headers.range ?? '')
      ? { kind: 'partial', start: 0, end: size - 1 }
      : { kind: 'unsatisfiable' };
  }
  const [only] = ranges;
  if (ranges.type !== 'bytes' || ranges.length !== 1 || !only) return { kind: 'full' };
  return { kind: 'partial', start: only.start, end: only.end };
}
