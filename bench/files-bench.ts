/**
 * Files benchmark (not a test): `npx ts-node --transpile-only bench/files-bench.ts [--rounds 5]
 * [--cpu-prof DIR]` after `npm run build`. Needs Docker, the test image, dist/, `zip`, `unzip` and
 * nginx (`apt-get install -y nginx-light`; the bench installs it when missing and run as root). The
 * service runs as its own process, so its RSS is measured alone. Each round runs every figure and
 * its anchor, alternating which goes first; medians of the rounds are reported, with the ratios
 * taken from the same run:
 *
 * - upload-zip of the archive (one 150 MiB file + 2,000 small ones) vs `unzip` of the same file,
 *   with the service's peak RSS growth, each after a `sync`, after one small warm-up upload;
 * - download-zip of the extracted tree vs `zip -qr` of it to a local file (level 6 both);
 * - download of the 150 MiB file (page-cached) vs nginx with `sendfile` serving the same file on
 *   a loopback port, through the same client.
 *
 * It also says which disk it ran on (`df -T`, `findmnt`) and the load average before it started.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
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
import { ServiceProcess, spawnService } from '../test/support/service-process';

/** What the bench needs of the service under test. */
interface Target {
  baseUrl: string;
  authHeader: string;
}

const MB = 1024 * 1024;
const LARGE_BYTES = 150 * MB;
const SMALL_FILES = 2000;

function option(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

const ROUNDS = Number(option('rounds') ?? 3);
const CPU_PROFILE_DIR = option('cpu-prof');

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

/** Names the step that failed: a bare 'socket hang up' does not say which side hung up. */
function labelled<T>(label: string, work: Promise<T>): Promise<T> {
  return work.catch((err: unknown) => {
    throw new Error(`${label}: ${err instanceof Error ? err.message : String(err)}`);
  });
}

/** Streams a file as the request body into `dir` of the mount; resolves with the status and body text. */
function uploadFile(t: Target, cuid: string, file: string, dir: string): Promise<{ status: number; body: string }> {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = httpRequest(
      `${t.baseUrl}/containers/${cuid}/upload-zip?path=${encodeURIComponent(dir)}`,
      {
        method: 'POST',
        agent: false,
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
    // A fresh connection each time: the anchors run synchronously (execFileSync) for longer than the
    // server keeps an idle connection, and a pooled one it closed meanwhile would fail as a hang-up.
    const req = httpRequest(
      `${t.baseUrl}${route}`,
      { agent: false, headers: { Authorization: t.authHeader } },
      (res) => {
        let bytes = 0;
        if (res.statusCode !== 200) reject(new Error(`GET ${route}: ${res.statusCode}`));
        res.on('data', (c: Buffer) => (bytes += c.length));
        res.on('end', () => resolve(bytes));
      },
    );
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

const mbps = (bytes: number, s: number): string => `${(bytes / MB / s).toFixed(0)} MiB/s`;

/** nginx with sendfile, serving `dir` on a loopback port: the single-file anchor. Installed when missing (root). */
async function startNginx(work: string, dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  try {
    execFileSync('nginx', ['-v'], { stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['install', '-y', '-q', 'nginx-light'], {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  }
  const port = 20000 + Math.floor(Math.random() * 20000);
  const prefix = path.join(work, 'nginx');
  mkdirSync(prefix);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((k) => `${k}_temp_path ${prefix}/${k};`)
    .join(' ');
  writeFileSync(
    path.join(prefix, 'nginx.conf'),
    `daemon off; worker_processes 1; pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;
events { worker_connections 64; }
http { access_log off; sendfile on; tcp_nopush on; ${temp}
  server { listen 127.0.0.1:${port}; root ${dir}; } }
`,
  );
  const child = spawn('nginx', ['-p', prefix, '-c', path.join(prefix, 'nginx.conf')], { stdio: 'ignore' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs `a` and `b` in this round's order (alternating by round): neither side always goes first. */
async function alternate(round: number, a: () => unknown, b: () => unknown): Promise<void> {
  if (round % 2 === 0) {
    await a();
    await b();
  } else {
    await b();
    await a();
  }
}

function diskOf(dir: string): string {
  const df = execFileSync('df', ['-T', dir]).toString().trim().split('\n').at(-1)?.split(/\s+/) ?? [];
  const options = execFileSync('findmnt', ['-n', '-o', 'OPTIONS', '-T', dir]).toString().trim();
  return `${df[0]} (${df[1]}, ${options}) mounted at ${df[6]}`;
}

let lastService: ServiceProcess | undefined;

async function main(): Promise<void> {
  const work = mkdtempSync(path.join(tmpdir(), 'cm-bench-'));
  // The service runs as its own process (built dist/), so the client neither shares its event loop
  // nor its memory figures.
  const nodeArgs = CPU_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(CPU_PROFILE_DIR)}`] : [];
  const service = await spawnService({}, undefined, { nodeArgs });
  lastService = service;
  const t: Target = { baseUrl: service.baseUrl, authHeader: basicAuth(USER, PASS) };
  let nginx: { url: string; stop: () => Promise<void> } | undefined;
  try {
    console.log(`load average at start: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
    console.log(`bench files: ${diskOf(work)}`);
    console.log(`service files: ${diskOf(service.projectsDir)}`);
    const src = path.join(work, 'src');
    mkdirSync(src);
    makeSource(src);
    const zipFile = path.join(work, 'upload.zip');
    execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" .', 'sh', src, zipFile]);
    const zipBytes = statSync(zipFile).size;
    const rawBytes = Number(execFileSync('du', ['-sb', '--apparent-size', src]).toString().split('\t')[0]);
    const cuid = (await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body.cuid as string;
    // nginx's workers run unprivileged: they must be able to read the tree (mkdtemp makes it 0700).
    chmodSync(work, 0o755);
    nginx = await startNginx(work, src);
    const nginxTarget: Target = { baseUrl: nginx.url, authHeader: '' };

    console.log(
      `archive: ${(zipBytes / 1e6).toFixed(0)} MB zip, ${(rawBytes / 1e6).toFixed(0)} MB unpacked, ${SMALL_FILES + 1} files, ${ROUNDS} rounds\n`,
    );

    // A production server is warm: one small upload first, so the figures are not the first request's.
    const warm = path.join(work, 'warm.zip');
    execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" pkg/m0', 'sh', src, warm]);
    if ((await labelled('warm-up upload', uploadFile(t, cuid, warm, 'warm-up'))).status !== 200)
      throw new Error('warm-up upload failed');

    const s = { upload: [] as number[], unzip: [] as number[], dz: [] as number[], zip: [] as number[] };
    const single = { api: [] as number[], nginx: [] as number[] };
    let rss = 0;
    let zipRss = 0;
    let zipped = 0;
    for (let round = 0; round < ROUNDS; round += 1) {
      // Each round into a fresh directory, after a sync: neither side pays for the other's writeback.
      await alternate(
        round,
        async () => {
          execFileSync('sync');
          const [[res, grown], sec] = await timedAsync(() =>
            peakRssGrowth(service.child.pid!, () =>
              labelled('upload-zip', uploadFile(t, cuid, zipFile, `round-${round}`)),
            ),
          );
          if (res.status !== 200) throw new Error(`upload failed: ${res.status} ${res.body}`);
          s.upload.push(sec);
          rss = Math.max(rss, grown);
        },
        () => {
          execFileSync('sync');
          const dir = path.join(work, `unzipped-${round}`);
          s.unzip.push(timed(() => execFileSync('unzip', ['-q', '-o', zipFile, '-d', dir]))[1]);
        },
      );
      const appDir = path.join(service.projectsDir, cuid, 'app', `round-${round}`);
      await alternate(
        round,
        async () => {
          const [[bytes, grown], sec] = await timedAsync(() =>
            peakRssGrowth(service.child.pid!, () =>
              labelled('download-zip', download(t, `/containers/${cuid}/download-zip?path=round-${round}`)),
            ),
          );
          zipped = bytes;
          zipRss = Math.max(zipRss, grown);
          s.dz.push(sec);
        },
        () => {
          const out = path.join(work, `out-${round}.zip`);
          s.zip.push(timed(() => execFileSync('sh', ['-c', 'cd "$1" && zip -q -r "$2" .', 'sh', appDir, out]))[1]);
          rmSync(out);
        },
      );
      // Both read the same page-cached bytes: the bench's source tree holds the same large.bin.
      await alternate(
        round,
        async () =>
          single.api.push(
            (
              await timedAsync(() =>
                labelled('download', download(t, `/containers/${cuid}/download?path=round-${round}/large.bin`)),
              )
            )[1],
          ),
        async () =>
          single.nginx.push((await timedAsync(() => labelled('nginx', download(nginxTarget, '/large.bin'))))[1]),
      );
      console.log(
        `round ${round}: upload-zip ${s.upload[round]!.toFixed(2)} s, unzip ${s.unzip[round]!.toFixed(2)} s; ` +
          `download-zip ${s.dz[round]!.toFixed(2)} s, zip -qr ${s.zip[round]!.toFixed(2)} s; ` +
          `download ${single.api[round]!.toFixed(3)} s, nginx ${single.nginx[round]!.toFixed(3)} s`,
      );
    }
    const m = {
      upload: median(s.upload),
      unzip: median(s.unzip),
      dz: median(s.dz),
      zip: median(s.zip),
      api: median(single.api),
      nginx: median(single.nginx),
    };
    const ratio = (anchor: number, ours: number): string => `**${(anchor / ours).toFixed(2)}×**`;
    console.log(`\n| figure (median of ${ROUNDS}, alternating) | service | anchor | ratio (throughput) |`);
    console.log('| --- | --- | --- | --- |');
    console.log(
      `| upload-zip, ${(zipBytes / 1e6).toFixed(0)} MB zip | ${m.upload.toFixed(2)} s, ${mbps(zipBytes, m.upload)} | ` +
        `\`unzip\` ${m.unzip.toFixed(2)} s, ${mbps(zipBytes, m.unzip)} | ${ratio(m.unzip, m.upload)} (RSS +${(rss / MB).toFixed(0)} MB) |`,
    );
    console.log(
      `| download-zip of the tree (${(zipped / 1e6).toFixed(0)} MB out) | ${m.dz.toFixed(2)} s, ${mbps(rawBytes, m.dz)} of input | ` +
        `\`zip -qr\` ${m.zip.toFixed(2)} s, ${mbps(rawBytes, m.zip)} | ${ratio(m.zip, m.dz)} (RSS +${(zipRss / MB).toFixed(0)} MB) |`,
    );
    console.log(
      `| download of the 150 MiB file, page-cached | ${mbps(LARGE_BYTES, m.api)} | ` +
        `nginx \`sendfile\` ${mbps(LARGE_BYTES, m.nginx)} | ${ratio(m.nginx, m.api)} |`,
    );
  } finally {
    await nginx?.stop();
    service.child.kill('SIGTERM');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  // The service's own last words, when it is what failed.
  if (lastService) console.error(lastService.output().split('\n').slice(-20).join('\n'));
  console.error(err);
  process.exit(1);
});
