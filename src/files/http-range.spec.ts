import express, { type Request } from 'express';
import { requestedRange } from './http-range';

const MODIFIED = 'Mon, 07 Dec 2026 10:00:00 GMT';

/** A request carrying only headers, with Express's own `req.range()`. */
function requestWith(headers: Record<string, string>): Request {
  return Object.assign(Object.create(express.request) as Request, { headers });
}

describe('requestedRange', () => {
  it.each([
    [undefined, 100, { kind: 'full' }],
    ['bytes=0-9', 100, { kind: 'partial', start: 0, end: 9 }],
    ['bytes=90-', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=90-500', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-10', 100, { kind: 'partial', start: 90, end: 99 }],
    ['bytes=-500', 100, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=100-', 100, { kind: 'unsatisfiable' }],
    ['bytes=-0', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-', 0, { kind: 'unsatisfiable' }],
    ['bytes=-5', 0, { kind: 'unsatisfiable' }],
    ['bytes=5-1', 100, { kind: 'unsatisfiable' }],
    ['bytes=99999999999999999999-', 100, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-6', 100, { kind: 'full' }],
    ['bytes=0-4,3-9', 100, { kind: 'partial', start: 0, end: 9 }],
    ['items=0-1', 100, { kind: 'full' }],
    ['bytes=-', 100, { kind: 'full' }],
    ['bytes=abc', 100, { kind: 'full' }],
  ])('%p of %p bytes → %p', (header, size, expected) => {
    expect(requestedRange(requestWith(header === undefined ? {} : { range: header }), size, MODIFIED)).toEqual(
      expected,
    );
  });

  it('honours the range only while If-Range still names the file as it is', () => {
    const range = 'bytes=0-9';
    expect(requestedRange(requestWith({ range, 'if-range': MODIFIED }), 100, MODIFIED)).toMatchObject({
      kind: 'partial',
    });
    expect(requestedRange(requestWith({ range, 'if-range': 'Sun, 06 Dec 2026 10:00:00 GMT' }), 100, MODIFIED)).toEqual({
      kind: 'full',
    });
  });
});
