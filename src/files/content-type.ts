import * as path from 'node:path';

const TEXT = 'charset=utf-8';

/** Enough types for what lands in /app; anything else is served as opaque bytes. */
const TYPES: Record<string, string> = {
  '.txt': `text/plain; ${TEXT}`,
  '.log': `text/plain; ${TEXT}`,
  '.md': `text/markdown; ${TEXT}`,
  '.csv': `text/csv; ${TEXT}`,
  '.py': `text/x-python; ${TEXT}`,
  '.sh': `text/x-shellscript; ${TEXT}`,
  '.html': `text/html; ${TEXT}`,
  '.htm': `text/html; ${TEXT}`,
  '.css': `text/css; ${TEXT}`,
  '.js': `text/javascript; ${TEXT}`,
  '.mjs': `text/javascript; ${TEXT}`,
  '.ts': `text/plain; ${TEXT}`,
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.yaml': 'application/yaml',
  '.yml': 'application/yaml',
  '.toml': 'application/toml',
  '.ini': `text/plain; ${TEXT}`,
  '.cfg': `text/plain; ${TEXT}`,
  '.pdf': 'application/pdf',
  '.zip': 'application/zip',
  '.whl': 'application/zip',
  '.gz': 'application/gzip',
  '.tgz': 'application/gzip',
  '.tar': 'application/x-tar',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
};

export function contentTypeFor(fileName: string): string {
  return TYPES[path.extname(fileName).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * `attachment` with an ASCII fallback name and the exact name as RFC 5987 `filename*` (RFC 6266 §4.3),
 * so any UTF-8 name survives and no header byte is ever outside printable ASCII.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  const encoded = encodeURIComponent(fileName).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}
