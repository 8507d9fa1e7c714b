import { parseBasicHeader } from './basic-strategy';

const header = (s: string): string => `Basic ${Buffer.from(s).toString('base64')}`;

describe('parseBasicHeader', () => {
  it('splits at the first colon only (RFC 7617), so passwords may contain colons', () => {
    expect(parseBasicHeader(header('admin:pa:ss:word'))).toEqual({ user: 'admin', pass: 'pa:ss:word' });
  });
  it('rejects other schemes, missing colons and garbage', () => {
    expect(parseBasicHeader('Bearer abc')).toBeNull();
    expect(parseBasicHeader(header('nocolon'))).toBeNull();
    expect(parseBasicHeader('Basic !!!')).toBeNull();
    expect(parseBasicHeader(undefined)).toBeNull();
  });
});
