/**
 * Files benchmark (not a test): `npx ts-node bench/files-bench.ts` after `npm run build`. Needs Docker,
 * the test image and dist/: the service runs as its own process, so its RSS is measured alone.
 *
 * - upload-zip of a ~200 MB archive (one large file + 2,000 small ones) vs `unzip` of the same file,
 *   with the server's peak RSS growth during the upload;
 * - download-zip of the extracted tree vs `zip -r`;
 * - single-file download vs `cat`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  readFileSync,
  closeSync,
  createReadStream,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { basicAuth, PASS, removeProjects, TEST_IMAGE, USER } from '../test/support/e2e-app';
import { spawnService } from '../test/support/service-process';

/** What the bench needs of the service under test. */
interface Target {
  baseUrl: string;
  authHeader: string;
}

const MB = 1024 * 1024;
const LARGE_BYTES = 240 * MB;
const SMALL_FILES = 2000;

function makeSource(dir: string): void {
  // Three quarters random, one quarter text: compresses to ~75%, like a mix of binaries and sources.
  // Written block by block, so this process never holds the large file and RSS figures stay meaningful.
  const text = Buffer.from('def handler(event):\n    return event\n'.repeat(450)).subarray(0, 16 * 1024);
  const fd = openSync(path.join(dir, 'large.bin'), 'w');
  for (let written = 0; written < LARGE_BYTES; written += 64 * 1024) {
    writeSync(fd, randomBytes(48 * 1024));
    writeSync(fd, text);
  }
  closeSync(fd);
  for (let i = 0; i < SMALL_FILES; i += 1) {
    const sub = path.join(dir, 'pkg', `m${i % 40}`);
    mkdirSync(sub, { recursive: true });
    writeFileSync(path.join(sub, `file${i}.py`), `# module ${i}\n${'x = 1\n'.repeat(100 + (i % 900))}`);
  }
}

function timed<T>(fn: () => T): [T, number] {
  const start = performance.now();
  const value = fn();
  return [value, (performance.now() - start) / 1000];
}

async function timedAsync<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await fn();
  return [value, (performance.now() - start) / 1000];
}

/** Streams a file as the request body; resolves with the status and body text. */
function uploadFile(t: Target, cuid: string, file: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${t.baseUrl}/containers/${cuid}/upload-zip`,
      {
        method: 'POST',
        headers: {
          Authorization: t.authHeader,
          'Content-Type': 'application/zip',
          'Content-Length': statSync(file).size,
        },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    createReadStream(file).pipe(req);
  });
}

/** GETs a URL and counts the bytes, discarding them (like `> /dev/null`). */
function download(t: Target, route: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${t.baseUrl}${route}`, { headers: { Authorization: t.authHeader } }, (res) => {
      let bytes = 0;
      if (res.statusCode !== 200) reject(new Error(`GET ${route}: ${res.statusCode}`));
      res.on('data', (c: Buffer) => (bytes += c.length));
      res.on('end', () => resolve(bytes));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The resident set of another process, in bytes (Linux /proc). */
function rssOf(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) * 1024;
}

/** Samples the server's RSS while `fn` runs; returns the peak growth over the starting RSS. */
async function peakRssGrowth<T>(pid: number, fn: () => Promise<T>): Promise<[T, number]> {
  const base = rssOf(pid);
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, rssOf(pid))), 10);
  try {
    const value = await fn();
    peak = Math.max(peak, rssOf(pid));
    return [value, peak - base];
  } finally {
    clearInterval(timer);
  }
}

const mbps = (bytes: number, s: number): string => `${(bytes / MB / s).toFixed(0)} MB/s`;
const row = (label: string, value: string): void => console.log(`${label.padEnd(44)} ${value}`);

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'cm-bench-'));
  // The service runs as its own process (built dist/), so the client neither shares its event loop
  // nor its memory figures.
  const service = await spawnService();
  const t: Target = { baseUrl: service.baseUrl, authHeader: basicAuth(USER, PASS) };
  try {
    const src = path.join(work, 'src');
    mkdirSync(src);
    makeSource(src);
    const zipFile = path.join(work, 'upload.zip');
    execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" .', 'sh', src, zipFile]);
    const zipBytes = statSync(zipFile).size;
    const rawBytes = Number(execFileSync('du', ['-sb', '--apparent-size', src]).toString().split('\t')[0]);
    const cuid = (await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body.cuid as string;
    const appDir = path.join(service.projectsDir, cuid, 'app');

    console.log(
      `archive: ${(zipBytes / MB).toFixed(0)} MB zip, ${(rawBytes / MB).toFixed(0)} MB unpacked, ${SMALL_FILES + 1} files\n`,
    );

    const [[res, rss], up] = await timedAsync(() =>
      peakRssGrowth(service.child.pid!, () => uploadFile(t, cuid, zipFile)),
    );
    if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${res.body}`);
    const unzipDir = path.join(work, 'unzipped');
    const [, unzipS] = timed(() => execFileSync('unzip', ['-q', '-o', zipFile, '-d', unzipDir]));
    row('upload-zip (API, incl. spool + validation)', `${up.toFixed(2)} s  ${mbps(zipBytes, up)} of zip`);
    row('unzip -q (same file, local disk)', `${unzipS.toFixed(2)} s  ${mbps(zipBytes, unzipS)} of zip`);
    row('ratio upload-zip / unzip', `${(up / unzipS).toFixed(2)}x the time`);
    row('server peak RSS growth during upload', `${(rss / MB).toFixed(0)} MB (service process)`);
    console.log('');

    const [zipped, dz] = await timedAsync(() => download(t, `/containers/${cuid}/download-zip`));
    const zipOut = path.join(work, 'out.zip');
    const [, zipS] = timed(() => execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" .', 'sh', appDir, zipOut]));
    row(
      'download-zip (API, level 6, streamed)',
      `${dz.toFixed(2)} s  ${mbps(rawBytes, dz)} of input, ${(zipped / MB).toFixed(0)} MB out`,
    );
    row('zip -r -q (level 6, to local file)', `${zipS.toFixed(2)} s  ${mbps(rawBytes, zipS)} of input`);
    row('ratio download-zip / zip -r', `${(dz / zipS).toFixed(2)}x the time`);
    console.log('');

    const [got, dl] = await timedAsync(() => download(t, `/containers/${cuid}/download?path=large.bin`));
    const [, catS] = timed(() =>
      execFileSync('sh', ['-c', 'cat "$1" > /dev/null', 'sh', path.join(appDir, 'large.bin')]),
    );
    row('download large.bin (API)', `${dl.toFixed(2)} s  ${mbps(got, dl)}`);
    row('cat large.bin > /dev/null (page cache)', `${catS.toFixed(2)} s  ${mbps(got, catS)}`);
  } finally {
    service.child.kill('SIGTERM');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
