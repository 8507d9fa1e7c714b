import { Injectable } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { AppConfig } from '../config/app-config';
import { addressIn, parseAddressList } from './address-list';

/**
 * The address a request came from: the TCP peer, unless the peer is one of TRUSTED_PROXIES, in
 * which case X-Forwarded-For is read from the right, skipping trusted hops, and the first untrusted
 * entry is the client. Entries left of it were written by the client itself and are never believed,
 * and X-Forwarded-For from a peer that is not trusted is ignored entirely.
 */
@Injectable()
export class ClientAddress {
  private readonly trusted;
  /** Asked by the audit line and by auth for every request: worked out once per request. */
  private readonly known = new WeakMap<IncomingMessage, string>();
  /** A peer that is no trusted proxy is the client of every request on its connection. */
  private readonly direct = new WeakMap<object, string>();

  constructor(config: AppConfig) {
    this.trusted = parseAddressList(config.trustedProxies);
  }

  of(req: IncomingMessage): string {
    let address = this.direct.get(req.socket) ?? this.known.get(req);
    if (address === undefined) {
      address = this.resolve(req);
      this.known.set(req, address);
    }
    return address;
  }

  private resolve(req: IncomingMessage): string {
    const peer = req.socket.remoteAddress ?? 'unknown';
    if (!addressIn(this.trusted, peer)) {
      // Not while the socket is not connected yet or already gone: its address is unknown then.
      if (req.socket.remoteAddress !== undefined) this.direct.set(req.socket, peer);
      return peer;
    }
    const header = req.headers['x-forwarded-for'];
    const hops = (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',').map((h) => h.trim());
    let client = peer;
    for (let i = hops.length - 1; i >= 0; i -= 1) {
      const hop = hops[i] ?? '';
      // A malformed entry cannot be an address: the last hop that was believed is the best answer.
      if (isIP(hop) === 0) return client;
      client = hop;
      if (!addressIn(this.trusted, hop)) return hop;
    }
    return client;
  }
}
