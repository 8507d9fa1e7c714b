/**
 * Whether a request carrying this Origin may act (open a terminal, change state). Browsers send
 * Origin on every WebSocket handshake and cross-site write, and would replay cached Basic
 * credentials for any page, so a page from another site must be refused. Non-browser clients send
 * no Origin and are let through.
 */
export function isOriginAllowed(
  origin: string | undefined,
  hostHeader: string | undefined,
  allowed: string[],
): boolean {
  if (origin === undefined) return true;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false; // includes the opaque "null" origin of sandboxed frames and file:// pages
  }
  if (parsed.origin === 'null') return false;
  if (allowed.includes('*')) return true;
  if (allowed.some((entry) => normalizeOrigin(entry) === parsed.origin)) return true;
  return hostHeader !== undefined && sameHost(parsed, hostHeader);
}

function normalizeOrigin(entry: string): string | null {
  try {
    return new URL(entry).origin;
  } catch {
    return null;
  }
}

/** The page was served by this very host (Host header), compared with default ports elided. */
function sameHost(origin: URL, hostHeader: string): boolean {
  try {
    return new URL(`${origin.protocol}//${hostHeader}`).host === origin.host;
  } catch {
    return false;
  }
}
