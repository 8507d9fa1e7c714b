/**
 * Files benchmark (not a test): `npx ts-node bench/files-bench.ts` after `npm run build`. Needs Docker,
 * the test image and dist/: the service runs as its own process, so its RSS is measured alone.
 *
 * - upload-zip of a ~200 MB archive (one large file + 2,000 small ones) vs `unzip` of the same file,
 *   with the server's peak RSS growth during the upload: after one small warm-up upload, three
 *   rounds alternating which runs first, each after a `sync`; medians are reported. File creation
 *   on this kind of disk costs more right after many deletions, so single runs vary a lot;
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
const ROUNDS = 3;

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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
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

/** Streams a file as the request body into `dir` of the mount; resolves with the status and body text. */
function uploadFile(t: Target, cuid: string, file: string, dir: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${t.baseUrl}/containers/${cuid}/upload-zip?path=${encodeURIComponent(dir)}`,
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

    console.log(
      `archive: ${(zipBytes / MB).toFixed(0)} MB zip, ${(rawBytes / MB).toFixed(0)} MB unpacked, ${SMALL_FILES + 1} files\n`,
    );

    // A production server is warm: one small upload first, so the figures are not the first request's.
    const warm = path.join(work, 'warm.zip');
    execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" pkg/m0', 'sh', src, warm]);
    if ((await uploadFile(t, cuid, warm, 'warm-up')).status !== 200) throw new Error('warm-up upload failed');

    // Rounds alternate which goes first, each into a fresh directory, after a sync: neither side pays
    // for the other's writeback. Median of the rounds.
    const uploads: number[] = [];
    const unzips: number[] = [];
    let rss = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      const upload = async (): Promise<void> => {
        execFileSync('sync');
        const [[res, grown], s] = await timedAsync(() =>
          peakRssGrowth(service.child.pid!, () => uploadFile(t, cuid, zipFile, `round-${round}`)),
        );
        if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${res.body}`);
        uploads.push(s);
        rss = Math.max(rss, grown);
      };
      const unzip = (): void => {
        execFileSync('sync');
        const dir = path.join(work, `unzipped-${round}`);
        unzips.push(timed(() => execFileSync('unzip', ['-q', '-o', zipFile, '-d', dir]))[1]);
      };
      if (round % 2 === 0) {
        await upload();
        unzip();
      } else {
        unzip();
        await upload();
      }
      console.log(`round ${round}: upload-zip ${uploads[round]!.toFixed(2)} s, unzip ${unzips[round]!.toFixed(2)} s`);
    }
    const up = median(uploads);
    const unzipS = median(unzips);
    row('upload-zip (API, incl. spool + validation)', `${up.toFixed(2)} s  ${mbps(zipBytes, up)} of zip (median)`);
    row('unzip -q (same file, local disk)', `${unzipS.toFixed(2)} s  ${mbps(zipBytes, unzipS)} of zip (median)`);
    row('throughput upload-zip / unzip', `${(unzipS / up).toFixed(2)}x (target >= 0.7x)`);
    row('server peak RSS growth during upload', `${(rss / MB).toFixed(0)} MB (service process, worst round)`);
    console.log('');

    const appDir = path.join(service.projectsDir, cuid, 'app', 'round-0');
    const [zipped, dz] = await timedAsync(() => download(t, `/containers/${cuid}/download-zip?path=round-0`));
    const zipOut = path.join(work, 'out.zip');
    const [, zipS] = timed(() => execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" .', 'sh', appDir, zipOut]));
    row(
      'download-zip (API, level 6, streamed)',
      `${dz.toFixed(2)} s  ${mbps(rawBytes, dz)} of input, ${(zipped / MB).toFixed(0)} MB out`,
    );
    row('zip -r -q (level 6, to local file)', `${zipS.toFixed(2)} s  ${mbps(rawBytes, zipS)} of input`);
    row('ratio download-zip / zip -r', `${(dz / zipS).toFixed(2)}x the time`);
    console.log('');

    const [got, dl] = await timedAsync(() => download(t, `/containers/${cuid}/download?path=round-0/large.bin`));
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
