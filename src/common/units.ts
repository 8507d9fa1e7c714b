/** Control characters never belong in a compose setting (a newline there breaks the YAML contract). */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's whole job
export const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

const MEMORY = /^(\d+(?:\.\d+)?) *([bkmgt]?)(?:i?b)?$/i;
const SCALE: Record<string, number> = { '': 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/**
 * Docker-style memory sizes (`512m`, `4096m`, `1g`, `1.5GB`, `1048576`), surrounding spaces allowed,
 * control characters never. Returns the byte count and the one spelling the service stores, so what
 * reaches compose is exactly what was validated.
 */
export function parseMemorySize(value: string): { bytes: number; canonical: string } | null {
  if (CONTROL_CHARS.test(value)) return null;
  const match = MEMORY.exec(value.trim());
  if (!match?.[1]) return null;
  const unit = (match[2] ?? '').toLowerCase();
  const bytes = Math.floor(Number(match[1]) * (SCALE[unit] ?? 1));
  if (!Number.isSafeInteger(bytes)) return null;
  return { bytes, canonical: `${match[1]}${unit === 'b' ? '' : unit}` };
}
