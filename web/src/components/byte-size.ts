/** A byte count as people read it: 68 B, 12.5 kB, 3.1 MB. */
export const byteSize = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1048576 ? `${(n / 1024).toFixed(1)} kB` : `${(n / 1048576).toFixed(1)} MB`;
