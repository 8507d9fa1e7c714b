import type { IncomingMessage } from 'node:http';

/**
 * Set on every peer-to-peer request, naming the forwarding node: the receiver serves it locally and
 * never forwards it again. It grants nothing: the request still carries, and needs, the client's credentials.
 */
export const FORWARDED_HEADER = 'x-cm-forwarded';

export function forwardedBy(req: IncomingMessage): string | null {
  const value = req.headers[FORWARDED_HEADER];
  const first = Array.isArray(value) ? value[0] : value;
  return first ? first.slice(0, 64) : null;
}
