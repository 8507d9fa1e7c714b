import { promises as fs } from 'node:fs';

/**
 * Shifts `file.1` … `file.(keep-1)` up by one (dropping what falls past `file.keep`) and moves
 * `file` to `file.1`, so the newest rotated file is always `.1`: the same names logrotate uses,
 * which readers of the audit trail rely on.
 */
export async function rotateFiles(file: string, keep: number): Promise<void> {
  for (let i = keep - 1; i >= 1; i -= 1) {
    await fs.rename(`${file}.${i}`, `${file}.${i + 1}`).catch(ignoreMissing);
  }
  await fs.rename(file, `${file}.1`).catch(ignoreMissing);
}

function ignoreMissing(err: NodeJS.ErrnoException): void {
  if (err.code !== 'ENOENT') throw err;
}
