import type { Response } from 'express';

/**
 * The console's page and scripts come only from this service; nothing inline may run, and no other
 * site may frame it (clickjacking a page that holds Basic credentials). Styles may be inline:
 * xterm.js sizes its rows with a style element. `connect-src 'self'` covers fetch, EventSource and
 * the same-host WebSocket.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function setConsoleHeaders(res: Response, cache: 'no-cache' | 'immutable'): void {
  res.setHeader('Content-Security-Policy', CONSOLE_CSP);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'no-referrer');
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
  // Asset names carry a content hash, so they never change; the page itself must always be fresh.
  res.setHeader('Cache-Control', cache === 'immutable' ? 'private, max-age=31536000, immutable' : 'no-cache');
}
