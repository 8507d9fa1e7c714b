import { formatEvent, wantsEventStream } from './sse-stream';

describe('formatEvent', () => {
  it('writes id, event and one data line per payload line', () => {
    expect(formatEvent({ id: 7, event: 'died', data: { a: 1 } })).toBe('id: 7\nevent: died\ndata: {"a":1}\n\n');
    expect(formatEvent({ event: 'stdout', data: 'a\r\nb\nc' })).toBe('event: stdout\ndata: a\ndata: b\ndata: c\n\n');
  });

  it('recognises a client asking for an event stream', () => {
    expect(wantsEventStream('text/event-stream')).toBe(true);
    expect(wantsEventStream('text/plain, */*')).toBe(false);
    expect(wantsEventStream(undefined)).toBe(false);
  });
});
