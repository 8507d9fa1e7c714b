import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { FixtureEntry, buildZip } from '../support/zip-fixtures';
import { removeProjects, TEST_IMAGE } from '../support/e2e-app';
import { ServiceProcess, spawnService } from '../support/service-process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Archives built to take the service down (issue #10, items 2 and 14), sent to the built service in
 * its own process: each is refused with a stable code while the service keeps answering, /app and
 * staging are left as they were, and the refusal is in the audit log.
 */
describe('reliability: zip bombs against the running service', () => {
  let service: ServiceProcess;
  let cuid: string;

  beforeAll(async () => {
    // Entry limit lowered so the implied-directory count is cheap to reach; other limits are the defaults.
    service = await spawnService({ UPLOAD_MAX_ENTRIES: '2000' });
    const res = await service.http().post('/containers').send({ image: TEST_IMAGE });
    if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
    cuid = res.body.cuid as string;
  });
  afterAll(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  const projectDir = (): string => path.join(service.projectsDir, cuid);

  /** Every path under /app, so a test can show nothing was added. */
  function appTree(dir = path.join(projectDir(), 'app'), prefix = ''): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
      const rel = prefix + e.name;
      return e.isDirectory() ? [`${rel}/`, ...appTree(path.join(dir, e.name), `${rel}/`)] : [rel];
    });
  }

  const upload = (zip: Buffer) =>
    service.http().post(`/containers/${cuid}/upload-zip`).set('Content-Type', 'application/zip').send(zip);

  async function auditLine(requestId: string): Promise<Record<string, unknown> | undefined> {
    const file = path.join(service.logDir, 'actions.jsonl');
    // The audit writer appends in the background: wait for the line, not for a time.
    for (let i = 0; i < 100; i += 1) {
      const lines = existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n') : [];
      const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.request_id === requestId);
      if (found) return found;
      await sleep(100);
    }
    return undefined;
  }

  /**
   * Sends `zip` and, while it is in flight, another request; expects the upload refused with
   * `status`/`code`, the other answered, the process alive, /app and staging untouched, and the
   * refusal audited.
   */
  async function expectRefused(zip: Buffer, status: number, code: string): Promise<Record<string, unknown>> {
    const before = appTree();
    const refused = upload(zip).then((r) => r);
    const other = service.http().get(`/containers/${cuid}/files`);
    const [res, listing] = await Promise.all([refused, other]);
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body).toMatchObject({ request_id: expect.any(String), message: expect.any(String) });
    expect(listing.status).toBe(200);
    expect(service.child.exitCode).toBeNull();
    expect((await service.http().get('/healthz')).status).toBe(200);
    expect(appTree()).toEqual(before);
    expect(existsSync(path.join(projectDir(), '.staging'))).toBe(false);
    expect(await auditLine(res.body.request_id as string)).toMatchObject({
      action: 'files.upload',
      cuid,
      status,
      code,
    });
    return res.body as Record<string, unknown>;
  }

  it("refuses the issue's implied-directory bomb (1,000 entries of 3 KB names) and stays up", async () => {
    const names = Array.from({ length: 1000 }, (_, i) => `${String(i).padStart(5, '0')}/${'a/'.repeat(1500)}`);
    const zip = buildZip(names.map((name) => ({ name })));
    expect(zip.length).toBeGreaterThan(6_000_000);
    const body = await expectRefused(zip, 400, 'ZIP_NAME_TOO_LONG');
    expect(body.details).toMatchObject({ max_path_bytes: 1024 });
  });

  it('refuses names within the byte limit that nest deeper than the depth limit', async () => {
    // 20 entries of 500 levels: before the limit, 10,000 directories in /app.
    const names = Array.from({ length: 20 }, (_, i) => `${String(i).padStart(5, '0')}/${'a/'.repeat(500)}`);
    const body = await expectRefused(buildZip(names.map((name) => ({ name }))), 400, 'ZIP_PATH_TOO_DEEP');
    expect(body.details).toMatchObject({ max_depth: 64 });
  });

  it('counts the directories that names only imply against the entry limit', async () => {
    // 100 entries, far below the limit of 2,000, that imply 4,000 directories.
    const list = Array.from({ length: 100 }, (_, i) => ({ name: `${i}/${'d/'.repeat(39)}`, data: undefined }));
    await expectRefused(buildZip(list), 413, 'ZIP_TOO_MANY_ENTRIES');
  });

  it('refuses an archive-wide ratio bomb: 256 entries of 1 MiB of zeros, each within the per-entry limit', async () => {
    const mib = Buffer.alloc(1 << 20);
    const zip = buildZip(Array.from({ length: 256 }, (_, i) => ({ name: `z${i}.bin`, data: mib })));
    expect(zip.length).toBeLessThan(400_000);
    const body = await expectRefused(zip, 413, 'ZIP_RATIO_EXCEEDED');
    expect(body.details).toMatchObject({ scope: 'archive', max_ratio: 200 });
  });

  it('still uploads a legitimate archive with deep-ish paths and long names', async () => {
    const pkg = (i: number): string =>
      `node_modules/.pnpm/@scope+package-${i}@1.2.3_@babel+core@7.24.3/node_modules/@scope/package-${i}`;
    const list: FixtureEntry[] = Array.from({ length: 30 }, (_, i) => [
      { name: `${pkg(i)}/package.json`, data: `{"name":"p${i}"}` },
      { name: `${pkg(i)}/${'lib/'.repeat(30)}index.js`, data: `module.exports = ${i};\n` },
    ]).flat();
    list.push({ name: 'boot.py', data: 'print("ok")\n' });
    const res = await upload(buildZip(list));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ files: 61, bytes: expect.any(Number), path: '.' });
    const file = path.join(projectDir(), 'app', pkg(29), 'lib/'.repeat(30), 'index.js');
    expect(readFileSync(file, 'utf8')).toBe('module.exports = 29;\n');
  });
});
