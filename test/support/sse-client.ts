import * as http from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
  json: any;
}

export interface SseClient {
  events: SseEvent[];
  status: number;
  headers: http.IncomingHttpHeaders;
  /** Resolves with the first event (from the start) matching, or rejects after the timeout. */
  waitFor: (match: (e: SseEvent) => boolean, timeoutMs?: number) => Promise<SseEvent>;
  ended: Promise<void>;
  close: () => void;
}

/** A minimal EventSource over node:http that records every event it receives. */
export function openSse(
  baseUrl: string,
  path: string,
  authHeader: string,
  headers: Record<string, string> = {},
): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${baseUrl}${path}`, {
      headers: { Authorization: authHeader, Accept: 'text/event-stream', ...headers },
    });
    req.once('error', reject);
    req.once('response', (res) => {
      const events: SseEvent[] = [];
      const waiters: { match: (e: SseEvent) => boolean; resolve: (e: SseEvent) => void }[] = [];
      let buffer = '';
      let endedResolve: () => void = () => undefined;
      const ended = new Promise<void>((r) => (endedResolve = r));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let sep: number;
        while ((sep = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, sep);
          buffer = buffer.slice(sep + 2);
          const event = parseBlock(block);
          if (!event) continue;
          events.push(event);
          for (const w of [...waiters]) {
            if (w.match(event)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(event);
            }
          }
        }
      });
      res.once('close', () => endedResolve());
      res.once('error', () => endedResolve());
      resolve({
        events,
        status: res.statusCode ?? 0,
        headers: res.headers,
        ended,
        close: () => req.destroy(),
        waitFor: (match, timeoutMs = 45_000) => {
          const found = events.find(match);
          if (found) return Promise.resolve(found);
          return new Promise((res2, rej2) => {
            const timer = setTimeout(
              () => rej2(new Error(`no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`)),
              timeoutMs,
            );
            waiters.push({
              match,
              resolve: (e) => {
                clearTimeout(timer);
                res2(e);
              },
            });
          });
        },
      });
    });
  });
}

function parseBlock(block: string): SseEvent | null {
  let id: string | undefined;
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':') || line === '') continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'id') id = value;
    else if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0 && id === undefined) return null;
  const text = data.join('\n');
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  return { id, event, data: text, json };
}
