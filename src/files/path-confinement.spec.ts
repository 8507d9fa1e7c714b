import { ForbiddenPathError, ValidationError } from '../common/errors/app-error';
import { confinedJoin, displayPath, parseMountPath } from './path-confinement';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return (err as ValidationError).code;
  }
  return undefined;
}

describe('parseMountPath', () => {
  it.each([
    [undefined, []],
    ['', []],
    ['.', []],
    ['./', []],
    ['data', ['data']],
    ['data/config.json', ['data', 'config.json']],
    ['./data//sub/', ['data', 'sub']],
    ['..foo/x..', ['..foo', 'x..']],
    ['ünï cödé/ファイル', ['ünï cödé', 'ファイル']],
  ])('accepts %p as %p', (raw, segments) => {
    expect(parseMountPath(raw)).toEqual(segments);
  });

  it.each(['..', '../etc/passwd', 'data/../../x', 'a/..', '/etc/passwd', '/app/boot.py', 'C:/x', 'c:x'])(
    'refuses %p with 403 PATH_OUTSIDE_MOUNT',
    (raw) => {
      expect(() => parseMountPath(raw)).toThrow(ForbiddenPathError);
      expect(codeOf(() => parseMountPath(raw))).toBe('PATH_OUTSIDE_MOUNT');
    },
  );

  it.each(['a\\b', '..\\x', 'a\u0000b', 'new\nline', 'x'.repeat(256), 'a/'.repeat(2000)])(
    'refuses %p with 400 INVALID_PATH',
    (raw) => {
      expect(codeOf(() => parseMountPath(raw))).toBe('INVALID_PATH');
    },
  );

  it('shows the mount root as "."', () => {
    expect(displayPath([])).toBe('.');
    expect(displayPath(['a', 'b'])).toBe('a/b');
  });
});

describe('confinedJoin', () => {
  it('joins inside the root', () => {
    expect(confinedJoin('/x/app', ['a', 'b'])).toBe('/x/app/a/b');
  });

  it('refuses a prefix sibling that a string-prefix check would accept', () => {
    expect('/x/app2/x'.startsWith('/x/app')).toBe(true);
    expect(codeOf(() => confinedJoin('/x/app', ['..', 'app2', 'x']))).toBe('PATH_OUTSIDE_MOUNT');
  });

  it('refuses absolute segments and the root itself spelled as a segment', () => {
    expect(codeOf(() => confinedJoin('/x/app', ['/etc']))).toBe('PATH_OUTSIDE_MOUNT');
    expect(codeOf(() => confinedJoin('/x/app', ['.']))).toBe('PATH_OUTSIDE_MOUNT');
  });
});
