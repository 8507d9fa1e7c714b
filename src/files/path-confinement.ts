import * as path from 'node:path';
import { ForbiddenPathError, ValidationError } from '../common/errors/app-error';
import { FilesErrorCode } from './files.errors';

/** Linux limits: one name (NAME_MAX) and a whole relative path, leaving room for the host prefix. */
export const MAX_NAME_BYTES = 255;
export const MAX_RELATIVE_PATH_BYTES = 3072;

/** C0 controls (NUL included) and DEL: legal on Linux, but never in a name a client means, and they break logs and headers. */
export function hasControlChars(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Names the upload side would refuse (and that archiver would rewrite: `\` becomes `/`) stay out of a zip. */
export function isZippableName(name: string): boolean {
  return !hasControlChars(name) && !name.includes('\\') && !/^[A-Za-z]:/.test(name);
}

/**
 * Parses a client's `path` (relative to /app) into name segments, or rejects it. Nothing here
 * touches the disk: `..`, absolute paths and drive letters are refused outright rather than
 * normalised, so no spelling can step out of the mount. Empty, `.` and `/`-separated repeats are
 * the mount root or harmless, and are dropped.
 */
export function parseMountPath(raw: string | undefined): string[] {
  if (raw === undefined || raw === '') return [];
  if (hasControlChars(raw)) throw new ValidationError(FilesErrorCode.INVALID_PATH, 'Path contains control characters');
  if (raw.includes('\\')) throw new ValidationError(FilesErrorCode.INVALID_PATH, 'Path must use "/" separators');
  if (raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) {
    throw new ForbiddenPathError(FilesErrorCode.PATH_OUTSIDE_MOUNT, 'Path must be relative to /app', {
      path: shown(raw),
    });
  }
  const segments = raw.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) {
    throw new ForbiddenPathError(FilesErrorCode.PATH_OUTSIDE_MOUNT, 'Path must not contain ".."', { path: shown(raw) });
  }
  if (Buffer.byteLength(raw) > MAX_RELATIVE_PATH_BYTES || segments.some((s) => Buffer.byteLength(s) > MAX_NAME_BYTES)) {
    throw new ValidationError(FilesErrorCode.INVALID_PATH, 'Path is too long');
  }
  return segments;
}

/** The canonical spelling of a parsed path, as answers show it: `.` for the mount root. */
export function displayPath(segments: readonly string[]): string {
  return segments.length === 0 ? '.' : segments.join('/');
}

/**
 * Joins already-validated segments under `root` and proves the result is inside it with
 * resolve + relative — not a string-prefix test, which `/x/app2` would pass for root `/x/app`.
 * Used for paths in the server's own staging area, which the container cannot reach.
 */
export function confinedJoin(root: string, segments: readonly string[]): string {
  const base = path.resolve(root);
  const target = path.resolve(base, ...segments);
  const rel = path.relative(base, target);
  if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel) || (rel === '' && segments.length > 0)) {
    throw new ForbiddenPathError(FilesErrorCode.PATH_OUTSIDE_MOUNT, 'Path leaves its root', {
      path: shown(segments.join('/')),
    });
  }
  return target;
}

function shown(value: string): string {
  return value.length > 128 ? `${value.slice(0, 128)}…` : value;
}
