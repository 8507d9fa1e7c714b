import contentDisposition from 'content-disposition';
import { lookup } from 'mime-types';
import { extname } from 'node:path';

/**
 * Where mime-db's answer does not fit what lands in /app: `.ts` is TypeScript here, not an MPEG
 * transport stream; scripts and wheels have no entry there (or one that is not text).
 */
const APP_TYPES: Record<string, string> = {
  ts: 'text/plain',
  py: 'text/x-python',
  sh: 'text/x-shellscript',
  cfg: 'text/plain',
  yaml: 'application/yaml',
  yml: 'application/yaml',
  whl: 'application/zip',
  tgz: 'application/gzip',
};

/** The type of a file by its extension (mime-types); anything unknown is served as opaque bytes. */
export function contentTypeFor(fileName: string): string {
  // extname, not mime-types, decides what an extension is: a dotfile such as `.ts` has none.
  const extension = extname(fileName).slice(1).toLowerCase();
  const type = (extension && (APP_TYPES[extension] ?? lookup(extension))) || 'application/octet-stream';
  // Text in /app is UTF-8 far more often than the browser's default guess.
  return type.startsWith('text/') ? `${type}; charset=utf-8` : type;
}

/**
 * `attachment` (content-disposition) with an ASCII-only fallback name, so no header byte is ever
 * outside printable ASCII (the library's own fallback keeps Latin-1), and the exact name as RFC 5987
 * `filename*` whenever the fallback differs from it (RFC 6266 §4.3). A backslash becomes `_` in both:
 * the library takes it for a Windows path separator and would offer only what follows it.
 */
export function attachmentDisposition(fileName: string): string {
  const name = fileName.replaceAll('\\', '_');
  const fallback = name.replace(/[^\x20-\x7e]|["%]/g, '_');
  return contentDisposition(name, { type: 'attachment', fallback });
}
