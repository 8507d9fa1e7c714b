import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export interface AuditFile {
  path: string;
  /** Survives the renames of rotation, so a cursor still finds its file after `actions.jsonl` became `.1`. */
  ino: string;
  size: number;
}

/** The live audit file, then its rotated copies `.1` (newest), `.2`, … that exist, newest first. */
export async function auditFiles(liveFile: string): Promise<AuditFile[]> {
  const dir = path.dirname(liveFile);
  const base = path.basename(liveFile);
  const rotated = (await fs.readdir(dir).catch(() => [] as string[]))
    .map((name) => ({ name, n: rotationNumber(base, name) }))
    .filter((f): f is { name: string; n: number } => f.n !== null)
    .sort((a, b) => a.n - b.n)
    .map((f) => path.join(dir, f.name));
  const files: AuditFile[] = [];
  for (const file of [liveFile, ...rotated]) {
    const stat = await fs.stat(file, { bigint: true }).catch(() => null);
    if (stat?.isFile()) files.push({ path: file, ino: stat.ino.toString(), size: Number(stat.size) });
  }
  return files;
}

function rotationNumber(base: string, name: string): number | null {
  if (!name.startsWith(`${base}.`)) return null;
  const suffix = name.slice(base.length + 1);
  return /^[1-9]\d{0,5}$/.test(suffix) ? Number(suffix) : null;
}
