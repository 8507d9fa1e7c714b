/** Where a peer instance listens. */
export interface PeerAddress {
  host: string;
  port: number;
}

export function parsePeerAddress(value: string): PeerAddress {
  const colon = value.lastIndexOf(':');
  return { host: value.slice(0, colon).replace(/^\[|\]$/g, ''), port: Number(value.slice(colon + 1)) };
}

export function addressKey(a: PeerAddress): string {
  return a.host.includes(':') ? `[${a.host}]:${a.port}` : `${a.host}:${a.port}`;
}
