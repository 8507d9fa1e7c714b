import { startSleepingContainer } from '../support/containers';
import { startApp, TestApp } from '../support/e2e-app';
import { Frame, TermClient } from '../support/term-client';

/** What a session's output frames of one stream carry, as bytes (utf8 frames as text, base64 decoded). */
function bytesOf(frames: Frame[], stream: 'stdout' | 'stderr'): Buffer {
  return Buffer.concat(
    frames
      .filter((f) => f.type === stream)
      .map((f) => Buffer.from(f.data ?? '', f.encoding === 'base64' ? 'base64' : 'utf8')),
  );
}

const execPath = (script: string): string =>
  `/ws/CUID?mode=exec&tty=false&cmd=${encodeURIComponent(`python -c '${script}'`)}`;

/**
 * Code in a container writes whatever it likes: every control byte, quotes and backslashes (which the
 * JSON frames escape, built as bytes by JsonTextFrames), and bytes that are not UTF-8 mixed in. Every
 * frame must still parse, the output must come back exactly, and the service must go on answering.
 */
describe('reliability: hostile terminal output', () => {
  let t: TestApp;
  let cuid: string;

  beforeAll(async () => {
    t = await startApp();
    cuid = await startSleepingContainer(t);
  });
  afterEach(() => TermClient.terminateAll());
  afterAll(async () => {
    await t.close();
  });

  const open = (script: string): Promise<TermClient> =>
    TermClient.open(t.baseUrl, t.authHeader, execPath(script).replace('CUID', cuid));

  it('escapes every control byte, quote and backslash in JSON output frames, byte-exact over many frames', async () => {
    // 512 KiB of every ASCII byte in turn, then text with multibyte characters.
    const script =
      'import sys; sys.stdout.buffer.write(bytes(range(128)) * 4096 + ("é" + chr(92) + chr(34) + "中").encode() * 1000)';
    const term = await open(script);
    await term.until(() => term.frames.find((f) => f.type === 'exit'), 'the exit frame');
    const stdout = term.frames.filter((f) => f.type === 'stdout');
    expect(stdout.length).toBeGreaterThan(1);
    expect(stdout.every((f) => f.encoding === 'utf8')).toBe(true);
    const expected = Buffer.concat([
      Buffer.concat(Array.from({ length: 4096 }, () => Buffer.from(Array.from({ length: 128 }, (_, i) => i)))),
      Buffer.from('é\\"中'.repeat(1000)),
    ]);
    expect(Buffer.from(stdout.map((f) => f.data).join(''))).toEqual(expected);
  });

  it('keeps control bytes and invalid UTF-8 interleaved on both outputs exact, and answers others meanwhile', async () => {
    // Pauses keep escaped text and invalid bytes in frames of their own, so both kinds alternate; a
    // stderr write ends in half a character, which the next write then makes invalid.
    const script = [
      'import sys, time',
      'o, e = sys.stdout.buffer, sys.stderr.buffer',
      'for i in range(40):',
      '    o.write((bytes(range(32)) + chr(34).encode() + chr(92).encode()) * 50); o.flush(); time.sleep(0.02)',
      '    o.write(bytes([255, 254])); o.flush(); time.sleep(0.02)',
      '    e.write(chr(92).encode() + bytes([195])); e.flush()',
    ].join('\n');
    const term = await open(script.replaceAll("'", '"'));
    const health = await t.http().get('/healthz');
    expect(health.status).toBe(200);
    await term.until(() => term.frames.find((f) => f.type === 'exit'), 'the exit frame', 60_000);
    expect(term.frames.find((f) => f.type === 'exit')).toEqual({ type: 'exit', code: 0 });
    const text = Buffer.concat(
      Array.from({ length: 50 }, () => Buffer.from([...Array.from({ length: 32 }, (_, i) => i), 0x22, 0x5c])),
    );
    const round = Buffer.concat([text, Buffer.from([0xff, 0xfe])]);
    expect(bytesOf(term.frames, 'stdout')).toEqual(Buffer.concat(Array.from({ length: 40 }, () => round)));
    expect(bytesOf(term.frames, 'stderr')).toEqual(
      Buffer.concat(Array.from({ length: 40 }, () => Buffer.from([0x5c, 0xc3]))),
    );
    expect(term.frames.some((f) => f.type === 'stdout' && f.encoding === 'utf8')).toBe(true);
    expect(term.frames.some((f) => f.type === 'stdout' && f.encoding === 'base64')).toBe(true);
  });
});
