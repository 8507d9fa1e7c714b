import archiver from 'archiver';
import { createWriteStream, lstatSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import * as unzipper from 'unzipper';

export interface TempFile {
  file: string;
  remove: () => Promise<void>;
}

export function tempFile(name: string): TempFile {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-'));
  return { file: path.join(dir, name), remove: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Zips a directory's contents (or one file) into a temporary file, so the upload has a known size
 * for its progress bar and can be sent again on a retry. Symlinks are left out: the service refuses
 * them (ZIP_SYMLINK_ENTRY), and following them could pack files from outside the directory.
 */
export async function zipSource(source: string): Promise<TempFile & { skipped: string[] }> {
  const temp = tempFile('upload.zip');
  const archive = archiver('zip', { zlib: { level: 6 } });
  const written = pipeline(archive, createWriteStream(temp.file));
  const skipped: string[] = [];
  const add = (abs: string, rel: string): void => {
    const stat = lstatSync(abs);
    if (stat.isDirectory()) {
      const names = readdirSync(abs).sort();
      if (names.length === 0 && rel !== '') archive.append(Buffer.alloc(0), { name: `${rel}/`, mode: 0o755 });
      for (const name of names) add(path.join(abs, name), rel === '' ? name : `${rel}/${name}`);
    } else if (stat.isFile()) {
      archive.file(abs, { name: rel, mode: stat.mode & 0o777 });
    } else {
      skipped.push(rel);
    }
  };
  const stat = lstatSync(source);
  if (stat.isDirectory()) add(source, '');
  else add(source, path.basename(source));
  await archive.finalize();
  await written;
  return { ...temp, skipped };
}

/** Unpacks a zip into `dest`, refusing any entry that would land outside it. */
export async function unzipInto(zipFile: string, dest: string): Promise<number> {
  const root = path.resolve(dest);
  mkdirSync(root, { recursive: true });
  const directory = await unzipper.Open.file(zipFile);
  let files = 0;
  for (const entry of directory.files) {
    const target = path.resolve(root, entry.path);
    if (target !== root && !target.startsWith(root + path.sep)) throw new Error(`unsafe entry in zip: ${entry.path}`);
    if (entry.type === 'Directory') {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    const mode = (entry.externalFileAttributes >>> 16) & 0o777;
    await pipeline(entry.stream(), createWriteStream(target, { mode: mode || 0o644 }));
    files += 1;
  }
  return files;
}
