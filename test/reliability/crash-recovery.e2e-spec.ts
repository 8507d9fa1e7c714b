import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { dockerContainers, managedContainerIds, SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { TEST_IMAGE, TestApp } from '../support/e2e-app';
import { ServiceProcess, spawnService, stopService } from '../support/service-process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * SIGKILL of the service in the middle of creates and updates, then a restart on the same
 * directories: every container is listed with its true status, no compose file is half-written,
 * and Docker holds no managed container the API does not list.
 */
describe('reliability: SIGKILL during create and update', () => {
  let service: ServiceProcess;
  let root: string;

  beforeAll(async () => {
    service = await spawnService();
    root = service.root;
  });
  afterAll(() => stopService(service));

  async function killAndRestart(): Promise<void> {
    service.child.kill('SIGKILL');
    await service.exited;
    service = await spawnService({}, root);
  }

  /** Sends a request, SIGKILLs the service `delayMs` later, restarts it on the same directories. */
  async function killDuring(send: () => Promise<{ status: number }>, delayMs: number): Promise<void> {
    const pending = send().then(
      (r) => r.status,
      () => 'killed',
    );
    await sleep(delayMs);
    await killAndRestart();
    await pending;
  }

  async function assertConsistent(): Promise<void> {
    const dirs = readdirSync(service.projectsDir);
    expect(dirs.filter((d) => d.startsWith('.') || d.includes('tmp'))).toEqual([]);
    for (const d of dirs)
      expect(readdirSync(path.join(service.projectsDir, d)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    const listed = (await service.http().get('/containers').query({ limit: 500 }).expect(200)).body.containers as {
      cuid: string;
      status: string;
    }[];
    expect(listed.map((c) => c.cuid).sort()).toEqual(dirs.sort());
    for (const c of listed) {
      const docker = await dockerContainers(c.cuid);
      const state = docker[0]?.[1];
      const expected = state === undefined ? 'created' : state === 'exited' ? 'stopped' : state;
      expect({ cuid: c.cuid, status: c.status }).toEqual({ cuid: c.cuid, status: expected });
    }
    const ids = await managedContainerIds({ projectsDir: service.projectsDir } as TestApp);
    expect(ids.length).toBeLessThanOrEqual(listed.length);
  }

  it.each([0, 40, 120, 250, 500])('kill %i ms into a create', async (delayMs) => {
    await killDuring(
      () =>
        service
          .http()
          .post('/containers')
          .send({ image: TEST_IMAGE, ports: [{ host: 42500 + delayMs, container: 80 }] }),
      delayMs,
    );
    await assertConsistent();
  });

  it.each([30, 150, 400])('kill %i ms into an update that recreates a running container', async (delayMs) => {
    const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
    const cuid = created.body.cuid as string;
    writeBootPy({ projectsDir: service.projectsDir } as TestApp, cuid, SLEEPING_BOOT);
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    await killDuring(
      () =>
        service
          .http()
          .patch(`/containers/${cuid}`)
          .send({ env: { CHANGED: String(delayMs) } }),
      delayMs,
    );
    await assertConsistent();
    // The container can still be driven after the crash.
    const start = await service.http().post(`/containers/${cuid}/start`);
    expect(start.status).toBe(200);
    expect(start.body.status).toBe('running');
  });

  it.each([100, 400, 900])('kill %i ms into a large upload: no staging left, no half-written file', async (delayMs) => {
    const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
    const cuid = created.body.cuid as string;
    const work = mkdtempSync(path.join(tmpdir(), 'cm-zip-'));
    // 300 files of 200 KiB of random bytes: big enough that extraction is under way when the kill lands.
    execFileSync('python3', [
      '-c',
      'import os,sys,zipfile\nz=zipfile.ZipFile(sys.argv[1],"w",zipfile.ZIP_STORED)\n' +
        'for i in range(300): z.writestr(f"data/f{i:03}.bin", os.urandom(200*1024))\nz.close()',
      path.join(work, 'big.zip'),
    ]);
    const zip = readFileSync(path.join(work, 'big.zip'));
    await killDuring(
      () => service.http().post(`/containers/${cuid}/upload-zip`).set('Content-Type', 'application/zip').send(zip),
      delayMs,
    );
    rmSync(work, { recursive: true, force: true });
    const project = path.join(service.projectsDir, cuid);
    expect(readdirSync(project).filter((n) => n.startsWith('.'))).toEqual([]);
    const dataDir = path.join(project, 'app', 'data');
    const files = readdirSync(project + '/app').includes('data') ? readdirSync(dataDir) : [];
    for (const f of files) expect(statSync(path.join(dataDir, f)).size).toBe(200 * 1024);
    await assertConsistent();
  });
});
