import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { dockerContainers, SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { removeProjects, TestApp, TEST_IMAGE } from '../support/e2e-app';
import { plantHostileTree } from '../support/hostile-tree';
import { eventually } from '../support/processes';
import { ServiceProcess, spawnService } from '../support/service-process';

const LEFTOVER = '.deleting-c00000000-0000-4000-8000-000000000000-dead';
const STUBBORN = '.deleting-c00000000-0000-4000-8000-000000000001-busy';

/**
 * Issue #10 items 1 and 5: trees a container can build in /app — deeper than PATH_MAX, with
 * locked directories, symlinks out of the tree, FIFOs and odd names — are deleted whole, never stop
 * the service from booting, and cannot exhaust its descriptors through download-zip or listing.
 * Trees are planted on the host in app/, owned by the container's uid, as the container leaves them.
 */
describe('reliability: hostile directory trees in /app', () => {
  let service: ServiceProcess;
  let canary: string;
  let stubbornMount: string | undefined;

  beforeAll(async () => {
    service = await spawnService();
    canary = path.join(service.root, 'canary');
    mkdirSync(canary);
    writeFileSync(path.join(canary, 'keep.txt'), 'keep');
  });
  afterAll(async () => {
    if (stubbornMount) execFileSync('umount', ['-l', stubbornMount]);
    service.child.kill('SIGKILL');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  const appDir = (cuid: string): string => path.join(service.projectsDir, cuid, 'app');
  const leftovers = (): string[] => readdirSync(service.projectsDir).filter((n) => n.startsWith('.deleting-'));
  const auditLines = (): Record<string, unknown>[] =>
    readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  const canaryIntact = (): boolean => readFileSync(path.join(canary, 'keep.txt'), 'utf8') === 'keep';

  async function createContainer(): Promise<string> {
    const res = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
    return res.body.cuid as string;
  }

  it('DELETE of a running container whose /app holds a 2,100-level chain answers 200 and leaves nothing', async () => {
    const cuid = await createContainer();
    writeBootPy({ projectsDir: service.projectsDir } as TestApp, cuid, SLEEPING_BOOT);
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    plantHostileTree(appDir(cuid), { depth: 2_100, canary, many: 3_000 });

    const res = await service.http().delete(`/containers/${cuid}`);

    expect({ status: res.status, body: res.body }).toEqual({ status: 200, body: { cuid, deleted: true } });
    expect(existsSync(path.join(service.projectsDir, cuid))).toBe(false);
    expect(leftovers()).toEqual([]);
    expect(await dockerContainers(cuid)).toEqual([]);
    await service.http().get(`/containers/${cuid}`).expect(404);
    expect(canaryIntact()).toBe(true);
  });

  it('boots past leftovers of a crashed delete: a deep one is removed, a stubborn one audited and retried', async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    const deep = path.join(service.projectsDir, LEFTOVER);
    mkdirSync(deep);
    plantHostileTree(deep, { depth: 2_100, canary });
    // Nothing removes a directory something is mounted on (EBUSY), not even root.
    stubbornMount = path.join(service.projectsDir, STUBBORN, 'mounted');
    mkdirSync(stubbornMount, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', stubbornMount]);

    service = await spawnService({}, service.root);
    await service.http().get('/containers').expect(200);

    expect(await eventually(() => !leftovers().includes(LEFTOVER), 60_000)).toBe(true);
    expect(canaryIntact()).toBe(true);
    const failed = () =>
      auditLines().find((l) => l.action === 'container.cleanup' && l.code === 'LEFTOVER_REMOVE_FAILED');
    expect(await eventually(() => failed() !== undefined, 10_000)).toBe(true);
    expect(failed()).toMatchObject({ status: 500, error: 'io_error', errno: 'EBUSY', method: 'SYSTEM' });
    expect(leftovers()).toEqual([STUBBORN]);

    execFileSync('umount', [stubbornMount]);
    stubbornMount = undefined;
    expect(await eventually(() => leftovers().length === 0, 30_000)).toBe(true);
    const removed = () => auditLines().find((l) => l.action === 'container.cleanup' && l.status === 200);
    expect(await eventually(() => removed() !== undefined, 5_000)).toBe(true);
    expect(removed()).toMatchObject({ failed_attempts: expect.any(Number) });
  });

  it('download-zip of a 21,000-level tree is refused before any byte of zip, with descriptors bounded', async () => {
    const cuid = await createContainer();
    const deep = path.join(appDir(cuid), 'deep');
    mkdirSync(deep);
    plantHostileTree(deep, { depth: 21_000, canary });
    const pid = service.child.pid!;
    const fds = (): number => readdirSync(`/proc/${pid}/fd`).length;
    const baseline = fds();
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, fds())), 2);
    let res;
    try {
      res = await service.http().get(`/containers/${cuid}/download-zip`).query({ path: 'deep' });
    } finally {
      clearInterval(sampler);
    }

    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toMatchObject({
      error: 'validation_error',
      code: 'PATH_TOO_DEEP',
      details: { path: 'deep', max_depth: 128 },
    });
    expect(peak - baseline).toBeLessThanOrEqual(128 + 32);
    // Listing walks one level at a time: as deep as a path may name, it answers.
    const listing = await service
      .http()
      .get(`/containers/${cuid}/files`)
      .query({ path: `deep/${'a/'.repeat(1_500)}` })
      .expect(200);
    expect(listing.body.entries.map((e: { name: string }) => e.name)).toEqual(['a']);
    // The tree goes with its container.
    await service.http().delete(`/containers/${cuid}`).expect(200);
    expect(existsSync(path.join(service.projectsDir, cuid))).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('download-zip holds a tree exactly DOWNLOAD_MAX_DEPTH deep, and refuses one level more', async () => {
    const cuid = await createContainer();
    let dir = path.join(appDir(cuid), 'ok');
    for (let i = 0; i <= 128; i += 1) {
      mkdirSync(dir);
      if (i === 128) writeFileSync(path.join(dir, 'bottom.txt'), 'bottom');
      dir = path.join(dir, 'a');
    }
    const ok = await service
      .http()
      .get(`/containers/${cuid}/download-zip`)
      .query({ path: 'ok' })
      .buffer(true)
      .parse((r, done) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(ok.status).toBe(200);
    const zipFile = path.join(service.root, 'ok.zip');
    writeFileSync(zipFile, ok.body as Buffer);
    const names = execFileSync('python3', [
      '-c',
      'import sys,zipfile\nprint(len(zipfile.ZipFile(sys.argv[1]).namelist()))',
      zipFile,
    ]);
    expect(Number(names.toString().trim())).toBe(128 + 1);

    mkdirSync(dir);
    const refused = await service.http().get(`/containers/${cuid}/download-zip`).query({ path: 'ok' });
    expect({ status: refused.status, code: refused.body.code }).toEqual({ status: 400, code: 'PATH_TOO_DEEP' });
  });
});
