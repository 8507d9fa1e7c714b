import { createWriteStream, existsSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Download } from '../../client';
import { isApiError } from '../../errors';
import { Command, Context } from '../command';
import { bytes, ProgressBar } from '../output';
import { UsageError } from '../usage-error';
import { tempFile, unzipInto, zipSource } from '../zip-files';

interface Remote {
  cuid: string;
  path: string;
}

/** `CUID:path` (path relative to /app, empty for /app itself); local paths start with `.`, `/` or have no colon. */
export function parseRemote(spec: string): Remote | null {
  if (spec.startsWith('.') || spec.startsWith('/')) return null;
  const match = /^([A-Za-z0-9-]+):(.*)$/.exec(spec);
  return match
    ? { cuid: match[1] ?? '', path: (match[2] ?? '').replace(/^\/app(\/|$)/, '').replace(/^\/+/, '') }
    : null;
}

export const cp: Command = {
  usage: 'cp LOCAL_DIR_OR_FILE CUID:[PATH]  |  cp CUID:PATH LOCAL_DEST (- for stdout)',
  async run(ctx, { positionals }) {
    const [from, to] = positionals;
    if (!from || !to || positionals.length !== 2) throw new UsageError('cp needs a source and a destination');
    const source = parseRemote(from);
    const target = parseRemote(to);
    if (!source && target) return upload(ctx, from, target);
    if (source && !target) return download(ctx, source, to);
    throw new UsageError('cp copies between a local path and CUID:PATH (exactly one side remote)');
  },
};

async function upload(ctx: Context, local: string, remote: Remote): Promise<number> {
  if (!existsSync(local)) throw new UsageError(`${local}: no such file or directory`);
  const zip = await zipSource(local);
  try {
    for (const name of zip.skipped) ctx.stderr.write(`cm: skipped ${name} (not a regular file or directory)\n`);
    const bar = new ProgressBar(`upload ${path.basename(path.resolve(local))}`, ctx.progress ? ctx.stderr : null);
    const result = await ctx.client.uploadZip(remote.cuid, zip.file, {
      path: remote.path || undefined,
      onProgress: (done, total) => bar.update(done, total),
    });
    bar.finish();
    ctx.stdout.write(
      ctx.json
        ? `${JSON.stringify(result, null, 2)}\n`
        : `${result.files} files (${bytes(result.bytes)}) → ${remote.cuid}:/app/${result.path === '.' ? '' : result.path}\n`,
    );
    return 0;
  } finally {
    await zip.remove();
  }
}

async function download(ctx: Context, remote: Remote, local: string): Promise<number> {
  const isDirectory = await ctx.client.listFiles(remote.cuid, remote.path || undefined).then(
    () => true,
    (err: unknown) => {
      if (isApiError(err, 'NOT_A_DIRECTORY')) return false;
      throw err;
    },
  );
  const name = path.posix.basename(remote.path) || 'app';
  const bar = new ProgressBar(`download ${name}`, ctx.progress ? ctx.stderr : null);
  if (!isDirectory) {
    const dl = await ctx.client.downloadFile(remote.cuid, remote.path);
    const dest =
      local === '-' ? null : existsSync(local) && statSync(local).isDirectory() ? path.join(local, name) : local;
    await pipeline(dl.stream, counter(dl, bar), dest === null ? ctx.stdout : createWriteStream(dest));
    bar.finish();
    if (ctx.json) ctx.stdout.write(`${JSON.stringify({ type: 'file', path: dest, bytes: dl.size })}\n`);
    return 0;
  }
  if (local === '-') throw new UsageError('a directory cannot be written to stdout; name a local directory');
  const temp = tempFile('download.zip');
  try {
    const dl = await ctx.client.downloadZip(remote.cuid, remote.path || undefined);
    await pipeline(dl.stream, counter(dl, bar), createWriteStream(temp.file));
    bar.finish();
    const files = await unzipInto(temp.file, local);
    ctx.stdout.write(
      ctx.json ? `${JSON.stringify({ type: 'directory', path: local, files })}\n` : `${files} files → ${local}\n`,
    );
    return 0;
  } finally {
    await temp.remove();
  }
}

function counter(dl: Download, bar: ProgressBar): Transform {
  let done = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      done += chunk.length;
      bar.update(done, dl.size);
      callback(null, chunk);
    },
  });
}
