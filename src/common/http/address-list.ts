import { BlockList, isIP } from 'node:net';

/**
 * Parses a comma list of IP addresses and CIDR ranges (`127.0.0.1, 10.0.0.0/8, ::1`) into a
 * BlockList, which also matches IPv4-mapped IPv6 peers (`::ffff:127.0.0.1`). Throws on a bad entry.
 */
export function parseAddressList(text: string): BlockList {
  const list = new BlockList();
  for (const raw of text.split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    const [address = '', prefix, extra] = entry.split('/');
    const family = isIP(address);
    if (family === 0 || extra !== undefined) throw new Error(`not an address or CIDR range: ${entry.slice(0, 64)}`);
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) {
      list.addAddress(address, type);
      continue;
    }
    const bits = /^\d{1,3}$/.test(prefix) ? Number(prefix) : NaN;
    if (!(bits >= 0 && bits <= (family === 4 ? 32 : 128))) throw new Error(`bad prefix length: ${entry.slice(0, 64)}`);
    list.addSubnet(address, bits, type);
  }
  return list;
}

export function addressIn(list: BlockList, address: string): boolean {
  const family = isIP(address);
  return family !== 0 && list.check(address, family === 4 ? 'ipv4' : 'ipv6');
}
