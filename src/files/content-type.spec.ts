import { attachmentDisposition, contentTypeFor } from './content-type';

describe('content types and disposition', () => {
  it('maps known extensions case-insensitively and falls back to octet-stream', () => {
    expect(contentTypeFor('config.JSON')).toBe('application/json');
    expect(contentTypeFor('boot.py')).toBe('text/x-python; charset=utf-8');
    expect(contentTypeFor('notes.md')).toBe('text/markdown; charset=utf-8');
    expect(contentTypeFor('main.ts')).toBe('text/plain; charset=utf-8');
    expect(contentTypeFor('photo.jpeg')).toBe('image/jpeg');
    expect(contentTypeFor('blob')).toBe('application/octet-stream');
    expect(contentTypeFor('.ts')).toBe('application/octet-stream');
    expect(contentTypeFor('x.unknownext')).toBe('application/octet-stream');
  });

  it('names a plain ASCII file once, and gives any other an ASCII fallback and the exact UTF-8 name (RFC 6266 / 5987)', () => {
    expect(attachmentDisposition('report.txt')).toBe('attachment; filename="report.txt"');
    const value = attachmentDisposition('naïve "q" 100%\\(1).txt');
    expect(value).toBe(
      `attachment; filename="na_ve _q_ 100__(1).txt"; filename*=UTF-8''na%C3%AFve%20%22q%22%20100%25_%281%29.txt`,
    );
    expect(/^[\x20-\x7e]*$/.test(value)).toBe(true);
  });
});
