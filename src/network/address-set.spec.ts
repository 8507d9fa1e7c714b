import { AddressSet } from './address-set';

describe('AddressSet', () => {
  const set = new AddressSet(['172.17.0.0/16', '172.30.0.0/16', 'fd00:dead::/64', 'garbage', '10.0.0.0/x']);

  it('matches IPv4 peers, also as a dual-stack socket reports them', () => {
    expect(set.has('172.17.0.2')).toBe(true);
    expect(set.has('::ffff:172.30.5.9')).toBe(true);
    expect(set.has('172.18.0.2')).toBe(false);
    expect(set.has('127.0.0.1')).toBe(false);
    expect(set.has('::ffff:127.0.0.1')).toBe(false);
  });

  it('matches IPv6 peers and ignores what is not a subnet', () => {
    expect(set.has('fd00:dead::5')).toBe(true);
    expect(set.has('::1')).toBe(false);
    expect(set.has(undefined)).toBe(false);
    expect(set.has('not an address')).toBe(false);
    expect(set.subnets).toEqual(['172.17.0.0/16', '172.30.0.0/16', 'fd00:dead::/64']);
  });
});
