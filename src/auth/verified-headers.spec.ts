import { VerifiedHeaders } from './verified-headers';

const basic = (user: string, pass: string): string => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

describe('VerifiedHeaders', () => {
  it('knows a header only once it passed, and answers with the user it passed as', () => {
    const headers = new VerifiedHeaders();
    expect(headers.userOf(basic('admin', 'right'))).toBeNull();
    headers.add(basic('admin', 'right'), 'admin');
    expect(headers.userOf(basic('admin', 'right'))).toBe('admin');
  });

  it('does not take a header that differs in any byte (another password, the same one cut short)', () => {
    const headers = new VerifiedHeaders();
    headers.add(basic('admin', 'right'), 'admin');
    expect(headers.userOf(basic('admin', 'wrong'))).toBeNull();
    expect(headers.userOf(basic('admin', 'righ'))).toBeNull();
    expect(headers.userOf(`${basic('admin', 'right')} `)).toBeNull();
    expect(headers.userOf('')).toBeNull();
  });

  it('keeps digests, never the header (it carries the password)', () => {
    const headers = new VerifiedHeaders();
    const header = basic('admin', 'secret-pass');
    headers.add(header, 'admin');
    const kept = JSON.stringify(headers, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
    expect(kept).not.toContain('secret-pass');
    expect(kept).not.toContain(header.slice(6));
  });

  it('holds a bounded number, newest kept', () => {
    const headers = new VerifiedHeaders();
    for (let i = 0; i < 20; i += 1) headers.add(basic('admin', `p${i}`), 'admin');
    expect(headers.userOf(basic('admin', 'p19'))).toBe('admin');
    expect(headers.userOf(basic('admin', 'p0'))).toBeNull();
  });
});
