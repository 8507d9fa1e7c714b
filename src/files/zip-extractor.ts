import { Injectable } from '@nestjs/common';
import { createWriteStream } from 'node:fs';
import { chmod, chown, mkdir, utimes } from 'node:fs/promises';
import { pipeline } from 'node:stream/promises';
import { ioFailure } from './mount-fs';
import { confinedJoin } from './path-confinement';
import { ZipArchive } from './zip-archive';
import { planExtraction, PlannedFile } from './zip-entry-policy';
import { EntryMeter, InflateBudget, UploadLimits } from './zip-limits';

/**
 * Entries written at once. Creating a small file costs several filesystem calls, each a threadpool
 * round trip; overlapping them makes thousands of small files several times faster.
 */
const PARALLEL_ENTRIES = 8;

export interface Owner {
  uid: number;
  gid: number;
}

export interface ExtractResult {
  files: number;
  bytes: number;
}

/**
 * Extracts a spooled archive into a fresh directory of the server's staging area, which the
 * container cannot see. Every entry is validated before the first write; data then streams through
 * an EntryMeter that enforces the real limits. The caller discards the directory on any failure.
 */
@Injectable()
export class ZipExtractor {
  async extract(
    archivePath: string,
    destRoot: string,
    prefix: readonly string[],
    limits: UploadLimits,
    owner: Owner,
  ): Promise<ExtractResult> {
    const archive = await ZipArchive.open(archivePath, limits.maxEntries);
    try {
      const plan = planExtraction(archive.records, limits, prefix);
      archive.assertNoOverlap();
      await mkdir(destRoot, { mode: 0o700 });
      for (const dir of plan.directories) await makeDirectory(confinedJoin(destRoot, dir), owner);
      const budget = new InflateBudget(limits.maxUncompressedBytes);
      await forEachBounded(plan.files, PARALLEL_ENTRIES, (file, signal) =>
        writeFile(archive, file, confinedJoin(destRoot, file.segments), budget, limits, owner, signal),
      );
      return { files: plan.files.length, bytes: budget.total };
    } finally {
      await archive.close();
    }
  }
}

async function makeDirectory(target: string, owner: Owner): Promise<void> {
  try {
    await mkdir(target);
    // Explicit chmod: mkdir's mode is filtered by the process umask.
    await chmod(target, 0o755);
    await chown(target, owner.uid, owner.gid);
  } catch (err) {
    throw ioFailure(err, 'mkdir');
  }
}

async function writeFile(
  archive: ZipArchive,
  file: PlannedFile,
  target: string,
  budget: InflateBudget,
  limits: UploadLimits,
  owner: Owner,
  signal: AbortSignal,
): Promise<void> {
  const { record } = file;
  const data = await archive.openEntry(record);
  const meter = new EntryMeter(record, file.name, budget, limits.maxRatio);
  const out = createWriteStream(target, { flags: 'wx', mode: 0o600 });
  try {
    await pipeline(data.stream, meter, out, { signal });
  } catch (err) {
    throw data.failure(err) ?? ioFailure(err, 'write');
  }
  data.assertFullyInflated(file.name);
  try {
    await chmod(target, file.mode);
    await chown(target, owner.uid, owner.gid);
    if (record.modified) await utimes(target, record.modified, record.modified);
  } catch (err) {
    throw ioFailure(err, 'chmod');
  }
}

/**
 * Runs `task` over `items`, `width` at a time. The first failure aborts the tasks still running
 * (through `signal`) and stops new ones; it is thrown once every task has settled, so the caller
 * never cleans up under a task that is still writing.
 */
async function forEachBounded<T>(
  items: readonly T[],
  width: number,
  task: (item: T, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const abort = new AbortController();
  let failure: { error: unknown } | undefined;
  let next = 0;
  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await task(item, abort.signal);
      } catch (error) {
        failure ??= { error };
        abort.abort();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker));
  if (failure) throw failure.error;
}
