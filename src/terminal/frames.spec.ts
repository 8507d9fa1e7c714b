import { ValidationError } from '../common/errors/app-error';
import { errorFrame, exitFrame, outputFrame, parseClientFrame } from './frames';

const parse = (value: unknown, isBinary = false) =>
  parseClientFrame(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), isBinary);

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).code;
  }
  throw new Error('did not throw');
}

describe('parseClientFrame', () => {
  it('reads the four client frame types', () => {
    expect(parse({ type: 'stdin', data: 'ls\n', encoding: 'utf8' })).toEqual({
      type: 'stdin',
      data: Buffer.from('ls\n'),
    });
    expect(parse({ type: 'stdin', data: 'bHMK', encoding: 'base64' })).toEqual({
      type: 'stdin',
      data: Buffer.from('ls\n'),
    });
    expect(parse({ type: 'resize', cols: 120, rows: 40 })).toEqual({ type: 'resize', cols: 120, rows: 40 });
    expect(parse({ type: 'signal', name: 'INT' })).toEqual({ type: 'signal', name: 'INT' });
    expect(parse({ type: 'signal', name: 'SIGTERM' })).toEqual({ type: 'signal', name: 'TERM' });
    expect(parse({ type: 'close' })).toEqual({ type: 'close' });
  });

  it('defaults stdin to utf8 and clamps huge sizes', () => {
    expect(parse({ type: 'stdin', data: 'é' })).toEqual({ type: 'stdin', data: Buffer.from('é') });
    expect(parse({ type: 'resize', cols: 99999, rows: 99999 })).toEqual({ type: 'resize', cols: 1000, rows: 500 });
  });

  it.each([
    ['{"type":', 'INVALID_JSON'],
    ['null', 'INVALID_FRAME'],
    ['[]', 'INVALID_FRAME'],
    ['"stdin"', 'INVALID_FRAME'],
    [{ data: 'x' }, 'UNKNOWN_FRAME_TYPE'],
    [{ type: 'exec' }, 'UNKNOWN_FRAME_TYPE'],
    [{ type: 'stdin' }, 'INVALID_STDIN_DATA'],
    [{ type: 'stdin', data: ['a'] }, 'INVALID_STDIN_DATA'],
    [{ type: 'stdin', data: 'a', encoding: 'hex' }, 'INVALID_ENCODING'],
    [{ type: 'stdin', data: 'not base64!', encoding: 'base64' }, 'INVALID_BASE64'],
    [{ type: 'stdin', data: 'abcde', encoding: 'base64' }, 'INVALID_BASE64'],
    [{ type: 'resize', cols: 0, rows: 24 }, 'INVALID_TERMINAL_SIZE'],
    [{ type: 'resize', cols: 80.5, rows: 24 }, 'INVALID_TERMINAL_SIZE'],
    [{ type: 'resize', cols: 80 }, 'INVALID_TERMINAL_SIZE'],
    [{ type: 'signal', name: 'BOOM' }, 'INVALID_SIGNAL'],
    [{ type: 'signal', name: 9 }, 'INVALID_SIGNAL'],
  ])('refuses %j with %s', (frame, code) => {
    expect(codeOf(() => parse(frame))).toBe(code);
  });

  it('refuses binary frames', () => {
    expect(codeOf(() => parse({ type: 'close' }, true))).toBe('BINARY_FRAME_UNSUPPORTED');
  });
});

describe('server frames', () => {
  it('have the shapes of the guide', () => {
    expect(JSON.parse(outputFrame('stderr', { data: 'x', encoding: 'utf8' }))).toEqual({
      type: 'stderr',
      data: 'x',
      encoding: 'utf8',
    });
    expect(JSON.parse(exitFrame(3))).toEqual({ type: 'exit', code: 3 });
    expect(JSON.parse(errorFrame({ code: 'X' } as never))).toEqual({ type: 'error', error: { code: 'X' } });
  });

  it('writes output frames exactly as JSON.stringify of the object would', () => {
    for (const data of ['plain', 'a "quoted" \\ line\r\n', '\u0000\u001b[31m', '😀 ünï', '']) {
      for (const encoding of ['utf8', 'base64'] as const) {
        expect(outputFrame('stderr', { data, encoding })).toBe(JSON.stringify({ type: 'stderr', data, encoding }));
      }
    }
  });
});
