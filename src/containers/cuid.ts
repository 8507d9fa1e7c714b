/** A container's id: `c` + a UUID v4. It is also its compose project name and its directory name. */
const CUID = /^c[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isCuid(value: string): boolean {
  return CUID.test(value);
}
