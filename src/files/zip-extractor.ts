import { Injectable } from '@nestjs/common';
import { chmod, chown, mkdir, rm } from 'node:fs/promises';
import { FileAttributes, Owner, PARALLEL_ENTRIES, writeStreamedFile } from './entry-file';
import { forEachBounded } from './for-each-bounded';
import { ioFailure } from './mount-fs';
import { confinedJoin } from './path-confinement';
import { ZipArchive } from './zip-archive';
import { EntryInflation, inflateWhole } from './zip-entry-data';
import { ExtractionPlan, planExtraction, PlannedFile } from './zip-entry-policy';
import { InflateBudget, UploadLimits } from './zip-limits';
import { WholeFileWriter } from './whole-file-writer';
import { StreamedTree, STREAMED_FILE_MODE } from './zip-stream-extractor';

export interface ExtractResult {
  files: number;
  bytes: number;
  /** 'stream': the tree written while the body arrived was proven to be the archive's; 'directory': extracted after. */
  via: 'stream' | 'directory';
}

/**
 * Turns a spooled archive into a fresh directory of the server's staging area, which the container
 * cannot see. The central directory decides: every entry is validated before anything is accepted.
 * A tree already written while the body arrived (ZipStreamExtractor) is kept only when it matches
 * the directory entry for entry; otherwise it is removed and the archive extracted from its
 * directory, with data streaming through an EntryMeter that enforces the real limits. The caller
 * discards the directory on any failure.
 */
@Injectable()
export class ZipExtractor {
  constructor(private readonly writer: WholeFileWriter) {}

  async extract(
    archivePath: string,
    destRoot: string,
    prefix: readonly string[],
    limits: UploadLimits,
    owner: Owner,
    streamed?: StreamedTree,
  ): Promise<ExtractResult> {
    const archive = await ZipArchive.open(archivePath, limits.maxEntries);
    try {
      const plan = await planExtraction(archive.records, limits, prefix, archive.size);
      archive.assertNoOverlap();
      if (streamed?.matches(archive.records, plan)) {
        await finishStreamedTree(destRoot, plan, owner);
        return { files: plan.files.length, bytes: streamed.bytes, via: 'stream' };
      }
      await rm(destRoot, { recursive: true, force: true });
      await mkdir(destRoot, { mode: 0o700 });
      for (const dir of plan.directories) await makeDirectory(confinedJoin(destRoot, dir), owner);
      const budget = new InflateBudget(limits, () => archive.size);
      await forEachBounded(plan.files, PARALLEL_ENTRIES, (file, signal) =>
        extractFile(
          archive,
          file,
          confinedJoin(destRoot, file.segments),
          { budget, limits, owner, writer: this.writer },
          signal,
        ),
      );
      return { files: plan.files.length, bytes: budget.total, via: 'directory' };
    } finally {
      await archive.close();
    }
  }
}

async function makeDirectory(target: string, owner: Owner): Promise<void> {
  try {
    await mkdir(target);
    await setDirectoryAttributes(target, owner);
  } catch (err) {
    throw ioFailure(err, 'mkdir');
  }
}

async function setDirectoryAttributes(target: string, owner: Owner): Promise<void> {
  // Explicit chmod: mkdir's mode is filtered by the process umask.
  await chmod(target, 0o755);
  await chown(target, owner.uid, owner.gid);
}

/** What the streamed tree lacks: directory modes and owners, and the mode of executable files. */
async function finishStreamedTree(destRoot: string, plan: ExtractionPlan, owner: Owner): Promise<void> {
  try {
    for (const dir of plan.directories) await setDirectoryAttributes(confinedJoin(destRoot, dir), owner);
    for (const file of plan.files) {
      if (file.mode !== STREAMED_FILE_MODE) await chmod(confinedJoin(destRoot, file.segments), file.mode);
    }
  } catch (err) {
    throw ioFailure(err, 'chmod');
  }
}

interface ExtractionContext {
  budget: InflateBudget;
  limits: UploadLimits;
  owner: Owner;
  writer: WholeFileWriter;
}

async function extractFile(
  archive: ZipArchive,
  file: PlannedFile,
  target: string,
  { budget, limits, owner, writer }: ExtractionContext,
  signal: AbortSignal,
): Promise<void> {
  const { record } = file;
  const attributes: FileAttributes = { mode: file.mode, owner, modified: record.modified };
  const location = await archive.locate(record);
  const data = location.whole && inflateWhole(location.whole, record);
  if (data) {
    budget.spend(data.length);
    return writer.write(target, data, attributes);
  }
  // Streamed: a big entry, or a small one that is not what it claims, whose checks say what is wrong.
  const inflation = new EntryInflation(record, file.name, budget, limits.maxRatio);
  const source = archive.stream(location.start, record.compressedSize);
  try {
    await writeStreamedFile(target, source, inflation.stages, attributes, signal);
  } catch (err) {
    if (archive.readError !== undefined) throw ioFailure(archive.readError, 'read');
    throw inflation.failure(err) ?? ioFailure(err, 'write');
  }
  inflation.assertComplete();
}
