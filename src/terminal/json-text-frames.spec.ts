import { randomBytes, randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { outputFrame } from './frames';
import { JSON_ESCAPE_WASM } from './json-escape-module';
import { JsonTextFrames, MAX_ESCAPED_BYTES } from './json-text-frames';

// The build script is plain JavaScript for npm; jest loads it as it is.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const build = require('../../scripts/wasm/build-json-escape.js') as {
  assemble(): Promise<Buffer>;
  moduleText(bytes: Buffer): string;
  TARGET: string;
};

const reference = (stream: 'stdout' | 'stderr', bytes: Buffer): string =>
  outputFrame(stream, { data: bytes.toString('utf8'), encoding: 'utf8' });

describe('JsonTextFrames', () => {
  const frames = new JsonTextFrames();
  const frameOf = (bytes: Buffer, stream: 'stdout' | 'stderr' = 'stdout'): string =>
    frames.frame(stream, { encoding: 'utf8', bytes }).toString();

  it('carries the module assembled from json-escape.wat (run `npm run build:wasm` after changing it)', async () => {
    const bytes = await build.assemble();
    expect(JSON_ESCAPE_WASM.equals(bytes)).toBe(true);
    expect(readFileSync(build.TARGET, 'utf8')).toBe(build.moduleText(bytes));
  });

  it('frames every ASCII byte as JSON.stringify does, at every offset of a 16-byte block and in the tail', () => {
    for (let byte = 0; byte < 0x80; byte++) {
      for (let length = 1; length <= 40; length++) {
        for (const at of [0, length >> 1, length - 1]) {
          const bytes = Buffer.alloc(length, 'a');
          bytes[at] = byte;
          expect(frameOf(bytes)).toBe(reference('stdout', bytes));
        }
      }
    }
  });

  it('frames random text (control characters, quotes, multibyte and astral characters) exactly', () => {
    const alphabet = ['a', ' ', '"', '\\', '\n', '\r', '\t', '\b', '\f', '\u0000', '\u001b', '\u007f', 'é', '中', '😀'];
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: randomInt(0, 400) }, () => alphabet[randomInt(alphabet.length)]).join('');
      const bytes = Buffer.from(text);
      expect(frameOf(bytes, 'stderr')).toBe(reference('stderr', bytes));
      expect(JSON.parse(frameOf(bytes))).toEqual({ type: 'stdout', data: text, encoding: 'utf8' });
    }
  });

  it('frames the same bytes after a larger chunk grew the memory, and a chunk past the limit without it', () => {
    const big = Buffer.from(randomBytes(300_000).toString('base64'));
    expect(frameOf(big)).toBe(reference('stdout', big));
    const small = Buffer.from('after "big"\n');
    expect(frameOf(small)).toBe(reference('stdout', small));
    const huge = Buffer.alloc(MAX_ESCAPED_BYTES + 1, '"');
    expect(frameOf(huge)).toBe(reference('stdout', huge));
  });

  it('keeps base64 output as the plain string frame', () => {
    const chunk = { encoding: 'base64' as const, data: Buffer.from([0xff, 0xfe]).toString('base64') };
    expect(frames.frame('stderr', chunk)).toBe(outputFrame('stderr', chunk));
  });
});
