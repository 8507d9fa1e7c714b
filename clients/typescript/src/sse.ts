import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';

export interface SseMessage {
  id: string | null;
  event: string;
  data: string;
}

/**
 * Server-Sent Events as the HTML spec parses them: lines end in CR, LF or CRLF, `data:` lines join
 * with LF, a blank line dispatches, comment lines (heartbeats) are skipped, `id` persists.
 */
export async function* readSse(body: Readable): AsyncGenerator<SseMessage> {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | null = null;
  for await (const chunk of body) {
    buffer += decoder.write(chunk as Buffer);
    let match: RegExpExecArray | null;
    while ((match = /\r\n|\r|\n/.exec(buffer)) !== null) {
      // A lone CR at the end may be the first half of a CRLF split across chunks.
      if (match[0] === '\r' && match.index === buffer.length - 1) break;
      const line = buffer.slice(0, match.index);
      buffer = buffer.slice(match.index + match[0].length);
      if (line === '') {
        if (data.length > 0) yield { id, event: event || 'message', data: data.join('\n') };
        event = '';
        data = [];
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
      else if (field === 'id' && !value.includes('\0')) id = value;
    }
  }
}
