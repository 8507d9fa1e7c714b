import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { get as httpGet, IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { deflateRawSync } from 'node:zlib';
import request from 'supertest';
import { StagingArea } from '../src/files/staging-area';
import { createContainer, execIn } from './support/containers';
import { auditLines, startApp, TestApp } from './support/e2e-app';
import { buildZip, FixtureEntry, GUIDE_FILES } from './support/zip-fixtures';

const MAX_BYTES = 8 * 1024 * 1024;
const MAX_UNCOMPRESSED = 32 * 1024 * 1024;
const MAX_ENTRIES = 500;

interface ErrorResponse {
  status: number;
  body: Record<string, unknown>;
}

function expectError(res: ErrorResponse, status: number, error: string, code: string): void {
  expect({ status: res.status, error: res.body.error, code: res.body.code }).toEqual({ status, error, code });
  expect(res.body).toMatchObject({ status, message: expect.any(String), details: expect.any(Object) });
  expect(res.body.request_id).toEqual(expect.any(String));
  expect(res.body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
}

/** Every path below `dir` with type, owner, mode and content, to compare whole mounts before and after. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of readdirSync(path.join(dir, rel)).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const full = path.join(dir, relPath);
      const st = lstatSync(full);
      const meta = `${relPath} ${st.uid}:${st.gid} ${(st.mode & 0o7777).toString(8)}`;
      if (st.isSymbolicLink()) out.push(`${meta} -> ${readlinkSync(full)}`);
      else if (st.isDirectory()) {
        out.push(`${meta}/`);
        walk(relPath);
      } else out.push(`${meta} ${st.isFile() ? readFileSync(full).toString('base64') : 'special'}`);
    }
  };
  walk('');
  return out;
}

/** The spec's Python example, run by Python itself: zipfile.ZipFile(..., ZIP_DEFLATED).writestr for each file. */
function pythonZip(files: Record<string, string>): Buffer {
  const script = [
    'import io, json, sys, zipfile',
    'files = json.loads(sys.argv[1])',
    'buf = io.BytesIO()',
    "with zipfile.ZipFile(buf, 'w', zipfile.ZIP_DEFLATED) as zf:",
    '    for p, c in files.items():',
    '        zf.writestr(p, c.encode())',
    'sys.stdout.buffer.write(buf.getvalue())',
  ].join('\n');
  return execFileSync('python3', ['-c', script, JSON.stringify(files)]);
}

/** Lists a zip with Info-ZIP's own reader: names and sizes, as an independent check of what we stream. */
function unzipInto(zip: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'cm-unzip-'));
  writeFileSync(path.join(dir, 'x.zip'), zip);
  execFileSync('unzip', ['-q', path.join(dir, 'x.zip'), '-d', path.join(dir, 'out')]);
  return path.join(dir, 'out');
}

describe('files: upload-zip, download, download-zip, listing (real app, real Docker engine)', () => {
  let t: TestApp;
  let cuid: string;
  let appDir: string;

  beforeAll(async () => {
    t = await startApp({
      UPLOAD_MAX_BYTES: String(MAX_BYTES),
      UPLOAD_MAX_UNCOMPRESSED_BYTES: String(MAX_UNCOMPRESSED),
      UPLOAD_MAX_ENTRIES: String(MAX_ENTRIES),
      UPLOAD_MAX_RATIO: '200',
    });
    cuid = await createContainer(t);
    appDir = path.join(t.projectsDir, cuid, 'app');
  });
  afterAll(async () => {
    await t.close();
  });

  const upload = (zip: Buffer, query: Record<string, string> = {}, id = cuid): request.Test =>
    t.http().post(`/containers/${id}/upload-zip`).query(query).set('Content-Type', 'application/zip').send(zip);
  const stagingLeft = (): string[] => {
    const staging = path.join(t.projectsDir, cuid, '.staging');
    return existsSync(staging) ? readdirSync(staging) : [];
  };
  const binary = (req: request.Test): request.Test =>
    req.buffer(true).parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

  describe('the guide example, then round trips', () => {
    it("uploads the guide's Python example: 200, files on disk owned by 1000:1000 with sane modes", async () => {
      const res = await upload(pythonZip(GUIDE_FILES)).expect(200);
      const bytes = Object.values(GUIDE_FILES).reduce((n, c) => n + Buffer.byteLength(c), 0);
      expect(res.body).toEqual({ files: 3, bytes, path: '.' });
      for (const [name, content] of Object.entries(GUIDE_FILES)) {
        expect(readFileSync(path.join(appDir, name), 'utf8')).toBe(content);
        const st = statSync(path.join(appDir, name));
        expect([st.uid, st.gid, st.mode & 0o7777]).toEqual([1000, 1000, 0o644]);
      }
      const data = statSync(path.join(appDir, 'data'));
      expect([data.uid, data.gid, data.mode & 0o7777]).toEqual([1000, 1000, 0o755]);
      expect(stagingLeft()).toEqual([]);
    });

    it('records the upload in the audit log as files.upload', async () => {
      await upload(buildZip([{ name: 'audit.txt', data: 'a' }]))
        .set('X-Request-Id', 'files-audit-probe')
        .expect(200);
      const entry = (await auditLines(t)).find((l) => l.request_id === 'files-audit-probe');
      expect(entry).toMatchObject({ action: 'files.upload', cuid, status: 200, method: 'POST' });
    });

    it('lists the mount and a subdirectory', async () => {
      const res = await t.http().get(`/containers/${cuid}/files`).expect(200);
      expect(res.body.path).toBe('.');
      const byName = Object.fromEntries((res.body.entries as { name: string }[]).map((e) => [e.name, e]));
      expect(byName['boot.py']).toEqual({
        name: 'boot.py',
        type: 'file',
        size: Buffer.byteLength(GUIDE_FILES['boot.py'] ?? ''),
        mode: '0644',
        modified_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T.*[+-]\d{2}:\d{2}$/),
      });
      expect(byName.data).toMatchObject({ type: 'directory', mode: '0755' });
      const sub = await t.http().get(`/containers/${cuid}/files`).query({ path: 'data' }).expect(200);
      expect(sub.body).toEqual({
        path: 'data',
        entries: [expect.objectContaining({ name: 'config.json', type: 'file', size: 20 })],
      });
    });

    it('downloads a file byte for byte with type, length and disposition', async () => {
      const res = await binary(t.http().get(`/containers/${cuid}/download`).query({ path: 'data/config.json' })).expect(
        200,
      );
      expect((res.body as Buffer).toString()).toBe(GUIDE_FILES['data/config.json']);
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.headers['content-length']).toBe('20');
      expect(res.headers['accept-ranges']).toBe('bytes');
      expect(res.headers['content-disposition']).toBe('attachment; filename="config.json"');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
    });

    it('round-trips binary, empty, executable and non-ASCII files through upload, download and download-zip', async () => {
      const blob = randomBytes(3 * 1024 * 1024 + 17);
      const files: FixtureEntry[] = [
        { name: 'bin/blob.bin', data: blob },
        { name: 'bin/empty', data: '' },
        { name: 'bin/run.sh', data: '#!/bin/sh\necho hi\n', unixMode: 0o100755 },
        { name: 'bin/naïve ファイル.txt', data: 'unicode', method: 0 },
      ];
      expect((await upload(buildZip(files)).expect(200)).body).toMatchObject({ files: 4, bytes: blob.length + 25 });
      expect(statSync(path.join(appDir, 'bin/run.sh')).mode & 0o7777).toBe(0o755);

      const one = await binary(t.http().get(`/containers/${cuid}/download`).query({ path: 'bin/blob.bin' })).expect(
        200,
      );
      expect((one.body as Buffer).equals(blob)).toBe(true);
      const uni = await binary(t.http().get(`/containers/${cuid}/download`).query({ path: 'bin/naïve ファイル.txt' }));
      expect(uni.headers['content-disposition']).toBe(
        `attachment; filename="na_ve ____.txt"; filename*=UTF-8''na%C3%AFve%20%E3%83%95%E3%82%A1%E3%82%A4%E3%83%AB.txt`,
      );
      const empty = await binary(t.http().get(`/containers/${cuid}/download`).query({ path: 'bin/empty' })).expect(200);
      expect(empty.headers['content-length']).toBe('0');

      const zip = await binary(t.http().get(`/containers/${cuid}/download-zip`).query({ path: 'bin' })).expect(200);
      expect(zip.headers['content-type']).toBe('application/zip');
      expect(zip.headers['content-disposition']).toContain('filename="bin.zip"');
      const out = unzipInto(zip.body as Buffer);
      expect(readdirSync(out).sort()).toEqual(['blob.bin', 'empty', 'naïve ファイル.txt', 'run.sh']);
      expect(readFileSync(path.join(out, 'blob.bin')).equals(blob)).toBe(true);
      expect(statSync(path.join(out, 'run.sh')).mode & 0o777).toBe(0o755);

      // download-zip gives big files data descriptors: our own upload must take its output back unchanged.
      await upload(zip.body as Buffer, { path: 'copy' }).expect(200);
      expect(snapshot(path.join(appDir, 'copy'))).toEqual(snapshot(path.join(appDir, 'bin')));
    });

    it('downloads the whole mount as a zip by default, entries relative to /app', async () => {
      const zip = await binary(t.http().get(`/containers/${cuid}/download-zip`)).expect(200);
      expect(zip.headers['content-disposition']).toContain('filename="app.zip"');
      const out = unzipInto(zip.body as Buffer);
      expect(readFileSync(path.join(out, 'boot.py'), 'utf8')).toBe(GUIDE_FILES['boot.py']);
      expect(readFileSync(path.join(out, 'data/config.json'), 'utf8')).toBe(GUIDE_FILES['data/config.json']);
    });

    it('honours single Range requests with 206, and answers 416 outside the file', async () => {
      const q = { path: 'requirements.txt' };
      const content = Buffer.from(GUIDE_FILES['requirements.txt'] ?? '');
      const part = await binary(t.http().get(`/containers/${cuid}/download`).query(q).set('Range', 'bytes=2-9')).expect(
        206,
      );
      expect((part.body as Buffer).equals(content.subarray(2, 10))).toBe(true);
      expect(part.headers['content-range']).toBe(`bytes 2-9/${content.length}`);
      expect(part.headers['content-length']).toBe('8');
      const tail = await binary(t.http().get(`/containers/${cuid}/download`).query(q).set('Range', 'bytes=-5')).expect(
        206,
      );
      expect((tail.body as Buffer).equals(content.subarray(-5))).toBe(true);
      const bad = await t.http().get(`/containers/${cuid}/download`).query(q).set('Range', `bytes=${content.length}-`);
      expectError(bad, 416, 'validation_error', 'RANGE_NOT_SATISFIABLE');
      expect(bad.headers['content-range']).toBe(`bytes */${content.length}`);
      expect(bad.headers['content-disposition']).toBeUndefined();
      const multi = await binary(t.http().get(`/containers/${cuid}/download`).query(q).set('Range', 'bytes=0-1,4-5'));
      expect(multi.status).toBe(200);
    });

    it('overwrites existing files, keeps the others, and extracts into a target subdirectory it creates', async () => {
      const res = await upload(buildZip([{ name: 'boot.py', data: 'print("v2")\n' }])).expect(200);
      expect(res.body).toEqual({ files: 1, bytes: 12, path: '.' });
      expect(readFileSync(path.join(appDir, 'boot.py'), 'utf8')).toBe('print("v2")\n');
      expect(readFileSync(path.join(appDir, 'requirements.txt'), 'utf8')).toBe(GUIDE_FILES['requirements.txt']);
      const sub = await upload(buildZip([{ name: 'a.txt', data: 'a' }]), { path: './deploy//v1/' }).expect(200);
      expect(sub.body).toEqual({ files: 1, bytes: 1, path: 'deploy/v1' });
      const deploy = statSync(path.join(appDir, 'deploy/v1'));
      expect([deploy.uid, deploy.mode & 0o7777]).toEqual([1000, 0o755]);
      await upload(pythonZip(GUIDE_FILES)).expect(200);
    });

    it('trusts the central directory over the local headers: an entry it omits never lands; long comments are fine', async () => {
      const zip = buildZip([
        { name: 'listed.txt', data: 'listed' },
        { name: 'hidden.txt', data: 'not in the central directory' },
      ]);
      const directoryStart = zip.readUInt32LE(zip.length - 6);
      const firstRecord = zip.subarray(directoryStart, directoryStart + 46 + zip.readUInt16LE(directoryStart + 28));
      const comment = Buffer.alloc(2048, 'c');
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(1, 8);
      end.writeUInt16LE(1, 10);
      end.writeUInt32LE(firstRecord.length, 12);
      end.writeUInt32LE(directoryStart, 16);
      end.writeUInt16LE(comment.length, 20);
      const patched = Buffer.concat([zip.subarray(0, directoryStart), firstRecord, end, comment]);
      expect((await upload(patched, { path: 'directory-wins' }).expect(200)).body).toEqual({
        files: 1,
        bytes: 6,
        path: 'directory-wins',
      });
      expect(readdirSync(path.join(appDir, 'directory-wins'))).toEqual(['listed.txt']);
      expect(stagingLeft()).toEqual([]);
    });

    it('accepts application/octet-stream and refuses other content types with 415', async () => {
      await t
        .http()
        .post(`/containers/${cuid}/upload-zip`)
        .set('Content-Type', 'application/octet-stream')
        .send(buildZip([{ name: 'o.txt', data: 'o' }]))
        .expect(200);
      const res = await t.http().post(`/containers/${cuid}/upload-zip`).set('Content-Type', 'text/plain').send('hello');
      expectError(res, 415, 'validation_error', 'UNSUPPORTED_MEDIA_TYPE');
    });
  });

  describe('hostile uploads: refused with a specific code, the mount untouched, staging removed', () => {
    const hostile = async (zip: Buffer, status: number, code: string, query: Record<string, string> = {}) => {
      const before = snapshot(appDir);
      const res = await upload(zip, query);
      expectError(res, status, status === 404 ? 'not_found' : 'validation_error', code);
      expect(snapshot(appDir)).toEqual(before);
      expect(stagingLeft()).toEqual([]);
      return res;
    };
    const withGood = (entry: FixtureEntry): Buffer =>
      buildZip([{ name: 'aaa-good-first.txt', data: 'good' }, entry, { name: 'zzz-good-last.txt', data: 'good' }]);

    it.each([
      ['../evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['data/../../evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['/tmp/evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['..\\evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['C:/evil.txt', 'ZIP_UNSAFE_ENTRY'],
      ['evil\u0000.txt', 'ZIP_UNSAFE_ENTRY'],
      [`${'x'.repeat(300)}.txt`, 'ZIP_NAME_TOO_LONG'],
    ])('entry %p → 400 %s', async (name, code) => {
      await hostile(withGood({ name, data: 'evil' }), 400, code);
      expect(existsSync(path.join(t.projectsDir, cuid, 'evil.txt'))).toBe(false);
    });

    it('a prefix-sibling escape (../app2/x) writes nothing beside the mount', async () => {
      await hostile(withGood({ name: '../app2/x', data: 'evil' }), 400, 'ZIP_UNSAFE_ENTRY');
      expect(existsSync(path.join(t.projectsDir, cuid, 'app2'))).toBe(false);
    });

    it('symlink entries → 400 ZIP_SYMLINK_ENTRY', async () => {
      await hostile(withGood({ name: 'link', data: '/etc/passwd', symlink: true }), 400, 'ZIP_SYMLINK_ENTRY');
    });

    it('file/directory clashes inside the archive and with the mount → 400 ZIP_PATH_CLASH', async () => {
      await hostile(
        buildZip([
          { name: 'x', data: '1' },
          { name: 'x/y', data: '2' },
        ]),
        400,
        'ZIP_PATH_CLASH',
      );
      await hostile(withGood({ name: 'boot.py/inner.txt', data: 'x' }), 400, 'ZIP_PATH_CLASH');
      await hostile(withGood({ name: 'data', data: 'file over a directory' }), 400, 'ZIP_PATH_CLASH');
    });

    it('a target path that is a file → 400 NOT_A_DIRECTORY; outside the mount → 403', async () => {
      await hostile(withGood({ name: 'a.txt', data: 'a' }), 400, 'NOT_A_DIRECTORY', { path: 'boot.py' });
      await hostile(withGood({ name: 'a.txt', data: 'a' }), 403, 'PATH_OUTSIDE_MOUNT', { path: '../' });
      await hostile(withGood({ name: 'a.txt', data: 'a' }), 403, 'PATH_OUTSIDE_MOUNT', { path: '/etc' });
    });

    it('truncated and corrupt archives → 400 ZIP_CORRUPT', async () => {
      const zip = buildZip([
        { name: 'a.txt', data: randomBytes(50_000) },
        { name: 'b.txt', data: 'b' },
      ]);
      await hostile(zip.subarray(0, zip.length - 30), 400, 'ZIP_CORRUPT');
      await hostile(zip.subarray(0, 30_000), 400, 'ZIP_CORRUPT');
      await hostile(Buffer.from('not a zip'), 400, 'ZIP_CORRUPT');
      const flipped = Buffer.from(zip);
      flipped.fill(0, 1000, 1100);
      await hostile(flipped, 400, 'ZIP_CORRUPT');
    });

    it('a zip bomb by ratio → 413 ZIP_RATIO_EXCEEDED, even when it lies about its size', async () => {
      const zeros = Buffer.alloc(30 * 1024 * 1024);
      await hostile(withGood({ name: 'bomb', data: zeros }), 413, 'ZIP_RATIO_EXCEEDED');
      await hostile(withGood({ name: 'bomb', data: zeros, declaredSize: 1000 }), 413, 'ZIP_RATIO_EXCEEDED');
    });

    it('more than UPLOAD_MAX_UNCOMPRESSED_BYTES, declared or real → 413 ZIP_TOO_LARGE', async () => {
      // Two symbols at random: about 8:1, under the ratio limit, so only the total limit can stop it.
      const data = randomBytes(MAX_UNCOMPRESSED + 1024);
      for (let i = 0; i < data.length; i += 1) data[i] = 0x61 + ((data[i] ?? 0) & 1);
      expect(deflateRawSync(data, { level: 1 }).length).toBeLessThan(MAX_BYTES);
      await hostile(withGood({ name: 'big', data, level: 1 }), 413, 'ZIP_TOO_LARGE');
      await hostile(withGood({ name: 'big', data, level: 1, declaredSize: 1000 }), 413, 'ZIP_TOO_LARGE');
    });

    it('more than UPLOAD_MAX_ENTRIES entries → 413 ZIP_TOO_MANY_ENTRIES', async () => {
      const list = Array.from({ length: MAX_ENTRIES + 1 }, (_, i) => ({ name: `many/f${i}`, data: 'x' }));
      await hostile(buildZip(list), 413, 'ZIP_TOO_MANY_ENTRIES');
    });

    it('a body over UPLOAD_MAX_BYTES → 413 PAYLOAD_TOO_LARGE', async () => {
      await hostile(buildZip([{ name: 'r', data: randomBytes(MAX_BYTES + 1), method: 0 }]), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('an unknown container → 404 CONTAINER_NOT_FOUND', async () => {
      const res = await upload(buildZip([]), {}, 'c00000000-0000-4000-8000-000000000000');
      expectError(res, 404, 'not_found', 'CONTAINER_NOT_FOUND');
      expectError(await upload(buildZip([]), {}, 'not-a-cuid'), 404, 'not_found', 'CONTAINER_NOT_FOUND');
    });
  });

  describe('download and listing errors', () => {
    const get = (route: string, p?: string, id = cuid): request.Test =>
      t
        .http()
        .get(`/containers/${id}/${route}`)
        .query(p === undefined ? {} : { path: p });

    it.each(['download', 'download-zip', 'files'])('%s refuses paths that leave the mount with 403', async (route) => {
      for (const p of ['../compose.yaml', '..', 'data/../../compose.yaml', '/etc/passwd', '/app/boot.py']) {
        const res = await get(route, p);
        expectError(res, 403, 'validation_error', 'PATH_OUTSIDE_MOUNT');
        expect(JSON.stringify(res.body)).not.toContain('services:');
      }
      // Percent-encoded dots are decoded by the query parser, then refused like plain ones.
      const encoded = await t.http().get(`/containers/${cuid}/${route}?path=%2e%2e%2fcompose.yaml`);
      expectError(encoded, 403, 'validation_error', 'PATH_OUTSIDE_MOUNT');
    });

    it('answers missing paths with 404, and the wrong kind with 400', async () => {
      expectError(await get('download', 'nope.txt'), 404, 'not_found', 'PATH_NOT_FOUND');
      expectError(await get('files', 'nope'), 404, 'not_found', 'PATH_NOT_FOUND');
      expectError(await get('download-zip', 'nope'), 404, 'not_found', 'PATH_NOT_FOUND');
      expectError(await get('download', 'data'), 400, 'validation_error', 'NOT_A_FILE');
      expectError(await get('download'), 400, 'validation_error', 'PATH_REQUIRED');
      expectError(await get('files', 'boot.py'), 400, 'validation_error', 'NOT_A_DIRECTORY');
      expectError(await get('download-zip', 'boot.py'), 400, 'validation_error', 'NOT_A_DIRECTORY');
      expectError(await get('files', 'boot.py/x'), 400, 'validation_error', 'NOT_A_DIRECTORY');
    });

    it('answers an unknown container with 404 CONTAINER_NOT_FOUND on every route', async () => {
      for (const route of ['download', 'download-zip', 'files']) {
        expectError(
          await get(route, 'boot.py', 'c00000000-0000-4000-8000-000000000000'),
          404,
          'not_found',
          'CONTAINER_NOT_FOUND',
        );
      }
    });

    it('never opens a FIFO planted in the mount', async () => {
      execFileSync('mkfifo', [path.join(appDir, 'pipe')]);
      try {
        expectError(await get('download', 'pipe'), 400, 'validation_error', 'NOT_A_FILE');
        const list = await get('files').expect(200);
        expect(list.body.entries).toEqual(
          expect.arrayContaining([expect.objectContaining({ name: 'pipe', type: 'other' })]),
        );
        const zip = await binary(get('download-zip')).expect(200);
        expect(readdirSync(unzipInto(zip.body as Buffer))).not.toContain('pipe');
      } finally {
        rmSync(path.join(appDir, 'pipe'));
      }
    });
  });

  describe('with the container running', () => {
    const hostPasswd = readFileSync('/etc/passwd', 'utf8');

    beforeAll(async () => {
      // The guide's boot.py loops forever (sleeps between prints): the container stays up.
      await t.http().post(`/containers/${cuid}/start`).expect(200);
      await execIn(t, cuid, ['sh', '-c', 'ln -s /etc /app/evil && ln -s / /app/rootlink && ln -s /etc/passwd /app/pw']);
      // A link straight to the host's files, as if the container knew the host layout.
      symlinkSync(path.join(t.projectsDir, cuid, 'compose.yaml'), path.join(appDir, 'hostlink'));
    });

    it('the container sees uploaded files under /app, owned by 1000:1000', async () => {
      await upload(buildZip([{ name: 'live/hello.txt', data: 'from the API' }])).expect(200);
      expect(await execIn(t, cuid, ['cat', '/app/live/hello.txt'])).toBe('from the API');
      expect((await execIn(t, cuid, ['stat', '-c', '%u:%g %a', '/app/live/hello.txt', '/app/live'])).trim()).toBe(
        '1000:1000 644\n1000:1000 755',
      );
      expect(
        (await execIn(t, cuid, ['python', '-c', 'import json;print(json.load(open("/app/data/config.json")))'])).trim(),
      ).toBe("{'setting': 'value'}");
    });

    it('refuses to upload through a symlink the container planted, and writes nothing on the host', async () => {
      const before = snapshot(appDir);
      for (const name of ['evil/pwned-by-upload.txt', 'rootlink/tmp/pwned-by-upload.txt']) {
        const res = await upload(
          buildZip([
            { name: 'aaa.txt', data: 'a' },
            { name, data: 'pwned' },
          ]),
        );
        expectError(res, 403, 'validation_error', 'PATH_OUTSIDE_MOUNT');
      }
      const viaTarget = await upload(buildZip([{ name: 'pwned-by-upload.txt', data: 'pwned' }]), { path: 'evil' });
      expectError(viaTarget, 403, 'validation_error', 'PATH_OUTSIDE_MOUNT');
      expect(existsSync('/etc/pwned-by-upload.txt')).toBe(false);
      expect(existsSync('/tmp/pwned-by-upload.txt')).toBe(false);
      expect(snapshot(appDir)).toEqual(before);
    });

    it('refuses to read, list or zip through those symlinks, and never returns host content', async () => {
      const attempts = [
        ['download', 'evil/passwd'],
        ['download', 'pw'],
        ['download', 'hostlink'],
        ['download', 'rootlink/etc/passwd'],
        ['files', 'evil'],
        ['files', 'rootlink'],
        ['download-zip', 'evil'],
        ['download-zip', 'rootlink/etc'],
      ];
      for (const [route, p] of attempts) {
        const res = await t.http().get(`/containers/${cuid}/${route}`).query({ path: p });
        expectError(res, 403, 'validation_error', 'PATH_OUTSIDE_MOUNT');
      }
      const list = await t.http().get(`/containers/${cuid}/files`).expect(200);
      expect(list.body.entries).toEqual(
        expect.arrayContaining([expect.objectContaining({ name: 'evil', type: 'symlink' })]),
      );
      const zip = await binary(t.http().get(`/containers/${cuid}/download-zip`)).expect(200);
      const out = unzipInto(zip.body as Buffer);
      expect(readdirSync(out)).not.toEqual(expect.arrayContaining(['evil']));
      expect((zip.body as Buffer).includes(hostPasswd.slice(0, 30))).toBe(false);
      expect(treeContains(out, 'services:')).toBe(false);
    });

    it('still overwrites a planted symlink with an uploaded file, without following it', async () => {
      const res = await upload(buildZip([{ name: 'pw', data: 'replaced' }])).expect(200);
      expect(res.body.files).toBe(1);
      expect(lstatSync(path.join(appDir, 'pw')).isFile()).toBe(true);
      expect(readFileSync('/etc/passwd', 'utf8')).toBe(hostPasswd);
    });
  });

  describe('resources', () => {
    /** Descriptors this process holds on anything under the mount. */
    const mountFds = (): number =>
      readdirSync('/proc/self/fd').filter((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).startsWith(appDir);
        } catch {
          return false;
        }
      }).length;

    const eventually = async (check: () => boolean): Promise<boolean> => {
      for (let i = 0; i < 100; i += 1) {
        if (check()) return true;
        await new Promise((r) => setTimeout(r, 100));
      }
      return check();
    };

    /** Starts a download, reads its first bytes, then drops the connection. */
    const abandon = (route: string, p: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const url = `${t.baseUrl}/containers/${cuid}/${route}?path=${encodeURIComponent(p)}`;
        const req = httpGet(url, { headers: { Authorization: t.authHeader } }, (res: IncomingMessage) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
      });

    beforeAll(async () => {
      const files: FixtureEntry[] = Array.from({ length: 6 }, (_, i) => ({
        name: `heavy/part${i}.bin`,
        data: randomBytes(1024 * 1024),
        method: 0,
      }));
      await upload(buildZip(files)).expect(200);
    });

    it('a client that leaves mid-download leaves no descriptor open (single file and zip)', async () => {
      expect(mountFds()).toBe(0);
      for (let i = 0; i < 5; i += 1) {
        await abandon('download', 'heavy/part0.bin');
        await abandon('download-zip', 'heavy');
      }
      expect(await eventually(() => mountFds() === 0)).toBe(true);
      // And the server is still fine afterwards.
      const res = await binary(t.http().get(`/containers/${cuid}/download-zip`).query({ path: 'heavy' })).expect(200);
      expect(readdirSync(unzipInto(res.body as Buffer))).toHaveLength(6);
    });

    it('serialises concurrent uploads to one container, and both land', async () => {
      const [a, b] = await Promise.all([
        upload(buildZip([{ name: 'conc/a.txt', data: 'a' }])),
        upload(buildZip([{ name: 'conc/b.txt', data: 'b' }])),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(readdirSync(path.join(appDir, 'conc')).sort()).toEqual(['a.txt', 'b.txt']);
      expect(stagingLeft()).toEqual([]);
    });

    it('removes staging directories a crash left behind, at boot', async () => {
      const stale = path.join(t.projectsDir, cuid, '.staging', 'upload-crashed', 'tree');
      mkdirSync(stale, { recursive: true });
      writeFileSync(path.join(stale, 'half.txt'), 'half');
      await t.app.get(StagingArea).onModuleInit();
      expect(existsSync(path.join(t.projectsDir, cuid, '.staging'))).toBe(false);
    });
  });
});

/** Whether any regular file below `dir` contains `needle`. */
function treeContains(dir: string, needle: string): boolean {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((rel) => {
    const full = path.join(dir, rel);
    return lstatSync(full).isFile() && readFileSync(full).includes(needle);
  });
}
