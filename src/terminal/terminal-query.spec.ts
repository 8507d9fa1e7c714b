import { ValidationError } from '../common/errors/app-error';
import { parseTerminalQuery } from './terminal-query';

const parse = (query: string) => parseTerminalQuery(new URLSearchParams(query));

function codeOf(query: string): string {
  try {
    parse(query);
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).code;
  }
  throw new Error('did not throw');
}

describe('parseTerminalQuery', () => {
  it('defaults to an 80x24 shell', () => {
    expect(parse('')).toEqual({ mode: 'shell', cols: 80, rows: 24, cmd: null, tail: 100, tty: true, output: 'json' });
  });

  it('reads the output format, in any mode', () => {
    expect(parse('output=binary')).toMatchObject({ mode: 'shell', output: 'binary' });
    expect(parse('cmd=ls&tty=false&output=json')).toMatchObject({ tty: false, output: 'json' });
  });

  it('reads sizes and clamps them into range', () => {
    expect(parse('cols=120&rows=40')).toMatchObject({ cols: 120, rows: 40 });
    expect(parse('cols=5000&rows=0')).toMatchObject({ cols: 1000, rows: 1 });
  });

  it('treats a cmd without a mode as exec', () => {
    expect(parse('cmd=ls%20-la')).toMatchObject({ mode: 'exec', cmd: 'ls -la' });
    expect(parse('mode=attach&tail=5')).toMatchObject({ mode: 'attach', tail: 5 });
  });

  it('allows tty=false with exec only', () => {
    expect(parse('cmd=ls&tty=false')).toMatchObject({ mode: 'exec', tty: false });
    expect(parse('cmd=ls&tty=1')).toMatchObject({ tty: true });
  });

  it.each([
    ['mode=root', 'INVALID_MODE'],
    ['cols=abc', 'INVALID_TERMINAL_SIZE'],
    ['rows=-3', 'INVALID_TERMINAL_SIZE'],
    ['mode=exec', 'MISSING_CMD'],
    ['mode=exec&cmd=%20', 'MISSING_CMD'],
    ['mode=shell&cmd=ls', 'CMD_REQUIRES_EXEC_MODE'],
    ['cmd=a%00b', 'INVALID_CMD'],
    ['cmd=ls&tty=maybe', 'INVALID_TTY'],
    ['output=text', 'INVALID_OUTPUT_FORMAT'],
    ['tty=false', 'TTY_REQUIRES_EXEC_MODE'],
    [`cmd=${'x'.repeat(17_000)}`, 'CMD_TOO_LONG'],
  ])('refuses %s with %s', (query, code) => {
    expect(codeOf(query)).toBe(code);
  });
});
