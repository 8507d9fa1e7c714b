import { BlockList, isIPv4 } from 'node:net';

const MAPPED_V4 = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/** A set of subnets (IPv4 and IPv6 CIDRs) that answers "is this peer address inside?". */
export class AddressSet {
  private readonly list = new BlockList();
  readonly subnets: readonly string[];

  constructor(cidrs: string[]) {
    const kept: string[] = [];
    for (const cidr of cidrs) {
      const [address, bits] = cidr.split('/');
      if (!address || bits === undefined || !/^\d{1,3}$/.test(bits)) continue;
      const family = isIPv4(address) ? 'ipv4' : 'ipv6';
      try {
        this.list.addSubnet(address, Number(bits), family);
        kept.push(cidr);
      } catch {
        // not an address Node can parse: not one we can match either
      }
    }
    this.subnets = kept;
  }

  /** `::ffff:a.b.c.d` (how a dual-stack socket reports IPv4 peers) counts as `a.b.c.d`. */
  has(address: string | undefined): boolean {
    if (!address) return false;
    const mapped = MAPPED_V4.exec(address)?.[1];
    const plain = mapped ?? address;
    try {
      return this.list.check(plain, isIPv4(plain) ? 'ipv4' : 'ipv6');
    } catch {
      return false;
    }
  }
}
