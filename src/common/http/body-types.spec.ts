import type { IncomingMessage } from 'node:http';
import { hasBody, JSON_TYPES, matchesAny, mediaTypeOf } from './body-types';

describe('body types', () => {
  it('reads the media type without parameters, case-insensitively', () => {
    expect(mediaTypeOf('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaTypeOf(undefined)).toBe('');
  });

  it('matches exact types and +json suffixes, nothing else', () => {
    expect(matchesAny('application/json', JSON_TYPES)).toBe(true);
    expect(matchesAny('application/merge-patch+json', JSON_TYPES)).toBe(true);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '', 'application/']) {
      expect(matchesAny(type, JSON_TYPES)).toBe(false);
    }
  });

  it('sees a body when there is a length above zero or chunked framing', () => {
    const req = (headers: Record<string, string>): IncomingMessage => ({ headers }) as unknown as IncomingMessage;
    expect(hasBody(req({}))).toBe(false);
    expect(hasBody(req({ 'content-length': '0' }))).toBe(false);
    expect(hasBody(req({ 'content-length': '2' }))).toBe(true);
    expect(hasBody(req({ 'transfer-encoding': 'chunked' }))).toBe(true);
  });
});
