import type { IncomingMessage } from 'node:http';
import { fakeConfig } from '../../../test/support/fake-config';
import { parseAddressList } from './address-list';
import { ClientAddress } from './client-address';

const req = (peer: string, xff?: string): IncomingMessage =>
  ({
    socket: { remoteAddress: peer },
    headers: xff === undefined ? {} : { 'x-forwarded-for': xff },
  }) as IncomingMessage;

describe('ClientAddress', () => {
  const behind = new ClientAddress(fakeConfig({ trustedProxies: '127.0.0.1, 10.0.0.0/8' }));

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(new ClientAddress(fakeConfig({ trustedProxies: '' })).of(req('127.0.0.1', '6.6.6.6'))).toBe('127.0.0.1');
    expect(behind.of(req('192.168.1.9', '6.6.6.6'))).toBe('192.168.1.9');
  });

  it('takes the right-most untrusted entry, so a client cannot choose its address by prepending', () => {
    expect(behind.of(req('127.0.0.1', '6.6.6.6, 203.0.113.7'))).toBe('203.0.113.7');
    expect(behind.of(req('::ffff:127.0.0.1', '203.0.113.7, 10.1.2.3'))).toBe('203.0.113.7');
    expect(behind.of(req('127.0.0.1', '10.0.0.5'))).toBe('10.0.0.5');
  });

  it('falls back to the peer without a header and to the last believed hop on garbage', () => {
    expect(behind.of(req('127.0.0.1'))).toBe('127.0.0.1');
    expect(behind.of(req('127.0.0.1', 'not-an-ip'))).toBe('127.0.0.1');
    expect(behind.of(req('127.0.0.1', 'junk, 10.0.0.9'))).toBe('10.0.0.9');
  });
});

describe('parseAddressList', () => {
  it('accepts addresses and CIDR ranges of both families and refuses anything else', () => {
    expect(() => parseAddressList('127.0.0.1, 10.0.0.0/8, ::1, fd00::/8')).not.toThrow();
    for (const bad of ['localhost', '10.0.0.0/33', '10.0.0.0/8/1', '1.2.3.4/x']) {
      expect(() => parseAddressList(bad)).toThrow();
    }
  });
});
