/** Frames of the `/ws/:cuid` protocol, server → client. */
export type ServerFrame =
  | { type: 'stdout' | 'stderr'; data: string; encoding?: 'utf8' | 'base64' }
  | { type: 'exit'; code: number | null }
  | { type: 'error'; error: { code: string; message: string; request_id?: string } };

export type TerminalMode = 'shell' | 'attach';

/**
 * The terminal WebSocket on this very host: the browser sends this page's Origin (accepted as the
 * service's own) and the Basic credentials it holds for the page.
 */
export function terminalUrl(cuid: string, mode: TerminalMode, cols: number, rows: number): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ mode, cols: String(cols), rows: String(rows) });
  if (mode === 'attach') query.set('tail', '200');
  return `${scheme}://${location.host}/ws/${encodeURIComponent(cuid)}?${query.toString()}`;
}

export function decodeData(frame: { data: string; encoding?: string }): string | Uint8Array {
  if (frame.encoding !== 'base64') return frame.data;
  const bin = atob(frame.data);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) bytes[i] = bin.charCodeAt(i);
  return bytes;
}
