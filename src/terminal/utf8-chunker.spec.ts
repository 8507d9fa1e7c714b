import { incompleteTailLength, TextChunk, Utf8Chunker } from './utf8-chunker';

const utf8 = (text: string): TextChunk => ({ encoding: 'utf8', bytes: Buffer.from(text) });

describe('Utf8Chunker', () => {
  it('passes whole UTF-8 text through as utf8', () => {
    expect(new Utf8Chunker().push(Buffer.from('héllo 😀'))).toEqual(utf8('héllo 😀'));
  });

  it('holds back a character split at every possible byte and completes it with the next chunk', () => {
    const bytes = Buffer.from('a😀b中c');
    for (let cut = 1; cut < bytes.length; cut++) {
      const chunker = new Utf8Chunker();
      const parts = [chunker.push(bytes.subarray(0, cut)), chunker.push(bytes.subarray(cut)), chunker.flush()];
      const texts = parts.filter((p) => p !== null);
      expect(texts.every((p) => p.encoding === 'utf8')).toBe(true);
      expect(Buffer.concat(texts.map((p) => (p.encoding === 'utf8' ? p.bytes : Buffer.alloc(0)))).toString()).toBe(
        'a😀b中c',
      );
    }
  });

  it('survives a four-byte character fed one byte at a time', () => {
    const chunker = new Utf8Chunker();
    const [a, b, c, d] = Buffer.from('😀');
    expect(chunker.push(Buffer.from([a!]))).toBeNull();
    expect(chunker.push(Buffer.from([b!]))).toBeNull();
    expect(chunker.push(Buffer.from([c!]))).toBeNull();
    expect(chunker.push(Buffer.from([d!]))).toEqual(utf8('😀'));
  });

  it('sends invalid bytes as base64, unchanged', () => {
    const bytes = Buffer.from([0x61, 0xff, 0xfe, 0x62]);
    expect(new Utf8Chunker().push(bytes)).toEqual({ data: bytes.toString('base64'), encoding: 'base64' });
  });

  it('flushes a truncated character at the end of the stream as base64', () => {
    const chunker = new Utf8Chunker();
    expect(chunker.push(Buffer.from([0x41, 0xe4, 0xb8]))).toEqual(utf8('A'));
    expect(chunker.flush()).toEqual({ data: Buffer.from([0xe4, 0xb8]).toString('base64'), encoding: 'base64' });
    expect(chunker.flush()).toBeNull();
  });

  it('does not hold back bytes that cannot start a character', () => {
    expect(incompleteTailLength(Buffer.from([0x41, 0xc0]))).toBe(0);
    expect(incompleteTailLength(Buffer.from([0x41, 0xf8]))).toBe(0);
    expect(incompleteTailLength(Buffer.from([0x80, 0x80, 0x80]))).toBe(0);
    expect(incompleteTailLength(Buffer.from('中'))).toBe(0);
    expect(incompleteTailLength(Buffer.from('中').subarray(0, 2))).toBe(2);
  });
});
