/**
 * Parses `docker compose … --format json` output. Compose has printed both a JSON array and one
 * object per line across versions; either way the result is a list of objects.
 */
export function parseComposeJson<T = Record<string, unknown>>(stdout: string): T[] {
  const text = stdout.trim();
  if (text === '') return [];
  if (text.startsWith('[')) return JSON.parse(text) as T[];
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .flatMap((line) => {
      const parsed = JSON.parse(line) as T | T[];
      return Array.isArray(parsed) ? parsed : [parsed];
    });
}
