/**
 * The merged `/events` stream's event id: every node's last event id, so `Last-Event-ID` resumes each
 * node's stream where it was (each node numbers its own events).
 */
export type EventVector = Record<string, string>;

export function encodeVector(vector: EventVector): string {
  return Buffer.from(JSON.stringify(vector)).toString('base64url');
}

/** A vector this service issued, or null (a plain node-local id, or garbage: resume from now). */
export function decodeVector(value: string | undefined): EventVector | null {
  if (!value || value.length > 4096) return null;
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
    const entries = Object.entries(parsed as Record<string, unknown>);
    if (!entries.every(([, v]) => typeof v === 'string' && /^\d{1,20}$/.test(v))) return null;
    return Object.fromEntries(entries) as EventVector;
  } catch {
    return null;
  }
}

/** One SSE block (the lines up to a blank line) as fields; null for a comment-only block. */
export function parseBlock(block: string): { id?: string; event?: string; data: string[] } | null {
  const out: { id?: string; event?: string; data: string[] } = { data: [] };
  let fields = 0;
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const name = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields += 1;
    if (name === 'id') out.id = value;
    else if (name === 'event') out.event = value;
    else if (name === 'data') out.data.push(value);
  }
  return fields === 0 ? null : out;
}
