import { execFile } from 'node:child_process';
import { chownSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { removeProjects, TEST_IMAGE } from '../support/e2e-app';
import { ServiceProcess, spawnService } from '../support/service-process';

const run = promisify(execFile);
const GiB = 1024 ** 3;

async function hostConfig(cuid: string): Promise<{ Memory: number; PidsLimit: number; NanoCpus: number }> {
  const { stdout } = await run('docker', ['inspect', '--format', '{{json .HostConfig}}', `${cuid}-app-1`]);
  return JSON.parse(stdout) as { Memory: number; PidsLimit: number; NanoCpus: number };
}

/**
 * Issue #10 items 10 and 13: a container got no memory, pids or CPU limit unless the client asked,
 * and resource values were validated trimmed but stored raw (`" 512m"` broke a running container's
 * recreate; a newline saved on a stopped one broke start and delete).
 */
describe('reliability: default and maximum limits, stored as validated', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await spawnService({ MAX_MEMORY: '2g', MAX_PIDS: '1000', MAX_CPUS: '1' });
  });
  afterAll(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  const create = (body: Record<string, unknown> = {}) =>
    service
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, command: ['sleep', '100000'], ...body });

  it('a create that omits limits gets the defaults, shown in the answer and applied by the engine', async () => {
    const res = await create().expect(201);
    expect(res.body.resources).toEqual({ cpus: 1, memory: '1g', pids: 512 });
    const cuid = res.body.cuid as string;
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    expect(await hostConfig(cuid)).toMatchObject({ Memory: GiB, PidsLimit: 512, NanoCpus: 1e9 });
    // null in an update puts a limit back to its default instead of lifting it.
    await service
      .http()
      .patch(`/containers/${cuid}`)
      .send({ resources: { pids: 64 } })
      .expect(200);
    const reset = await service
      .http()
      .patch(`/containers/${cuid}`)
      .send({ resources: { pids: null, memory: null } })
      .expect(200);
    expect(reset.body.resources).toEqual({ cpus: 1, memory: '1g', pids: 512 });
    expect(await hostConfig(cuid)).toMatchObject({ Memory: GiB, PidsLimit: 512 });
  });

  it('asking above a maximum is 400 RESOURCE_ABOVE_MAX, on create and on update, and changes nothing', async () => {
    for (const resources of [{ memory: '4g' }, { pids: 1001 }, { cpus: 1.5 }]) {
      const res = await create({ resources });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'RESOURCE_ABOVE_MAX' });
    }
    const cuid = (await create({ resources: { memory: '2g' } }).expect(201)).body.cuid as string;
    const file = path.join(service.projectsDir, cuid, 'compose.yaml');
    const before = readFileSync(file, 'utf8');
    const res = await service
      .http()
      .patch(`/containers/${cuid}`)
      .send({ resources: { memory: '2049m' } });
    expect({ status: res.status, code: res.body.code, field: res.body.details?.field }).toEqual({
      status: 400,
      code: 'RESOURCE_ABOVE_MAX',
      field: 'resources.memory',
    });
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('" 512M " is stored as "512m"; a running container is recreated with a padded value (was 500)', async () => {
    const res = await create({ resources: { memory: ' 512M ' } }).expect(201);
    expect(res.body.resources.memory).toBe('512m');
    const cuid = res.body.cuid as string;
    expect(readFileSync(path.join(service.projectsDir, cuid, 'compose.yaml'), 'utf8')).toContain('memory: "512m"');
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    const patched = await service
      .http()
      .patch(`/containers/${cuid}`)
      .send({ resources: { memory: ' 768m' } })
      .expect(200);
    expect(patched.body).toMatchObject({ recreated: true, status: 'running', resources: { memory: '768m' } });
    expect((await hostConfig(cuid)).Memory).toBe(768 * 1024 ** 2);
  });

  it('a control character in a value is refused, so a stopped container still starts and deletes', async () => {
    const cuid = (await create().expect(201)).body.cuid as string;
    for (const memory of ['512m\n', '512m\r\nprivileged: true', '\t512m']) {
      const res = await service.http().patch(`/containers/${cuid}`).send({ resources: { memory } });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'INVALID_MEMORY' });
    }
    await service.http().post(`/containers/${cuid}/start`).expect(200);
    await service.http().delete(`/containers/${cuid}`).expect(200);
  });
});

/** Issue #10 item 10: /app usage is reported, measured in the background with a bounded walk. */
describe('reliability: /app usage in the container and in listings', () => {
  let service: ServiceProcess;

  beforeAll(async () => {
    service = await spawnService();
  });
  afterAll(async () => {
    service.child.kill('SIGKILL');
    await service.exited;
    await removeProjects(service.projectsDir);
    rmSync(service.root, { recursive: true, force: true });
  });

  async function measured(cuid: string): Promise<{ app_bytes: number; complete: boolean }> {
    for (let i = 0; i < 100; i += 1) {
      const res = await service.http().get(`/containers/${cuid}`).expect(200);
      if (res.body.disk_usage.app_bytes !== null)
        return res.body.disk_usage as { app_bytes: number; complete: boolean };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('never measured');
  }

  it('reports the bytes under /app, and the listing shows the same figure from memory', async () => {
    const cuid = (await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body.cuid as string;
    const file = path.join(service.projectsDir, cuid, 'app', 'data.bin');
    writeFileSync(file, Buffer.alloc(3 * 1024 * 1024, 1));
    chownSync(file, 1000, 1000);
    const usage = await measured(cuid);
    expect(usage.complete).toBe(true);
    expect(usage.app_bytes).toBeGreaterThanOrEqual(3 * 1024 * 1024);
    const listed = await service.http().get('/containers').expect(200);
    const entry = (listed.body.containers as { cuid: string; disk_usage: unknown }[]).find((c) => c.cuid === cuid);
    expect(entry?.disk_usage).toEqual((await service.http().get(`/containers/${cuid}`)).body.disk_usage);
  });

  it('a chain of directories deeper than PATH_MAX is measured as a lower bound, without error', async () => {
    const cuid = (await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201)).body.cuid as string;
    const app = path.join(service.projectsDir, cuid, 'app');
    // 2,100 nested a/ (4,200 characters of path): built with chdir, as code in a container would.
    await run('python3', [
      '-c',
      'import os,sys\nos.chdir(sys.argv[1])\nfor _ in range(2100):\n os.mkdir("a"); os.chdir("a")',
      app,
    ]);
    const usage = await measured(cuid);
    expect(usage.complete).toBe(false);
    expect(usage.app_bytes).toBeGreaterThan(0);
    await service.http().get('/containers').expect(200);
    expect(existsSync(path.join(app, 'a'))).toBe(true);
    // Leave nothing a plain rm cannot remove for the cleanup.
    await run('python3', [
      '-c',
      'import os,sys\nos.chdir(sys.argv[1])\nfor _ in range(2100): os.chdir("a")\nfor _ in range(2100):\n os.chdir(".."); os.rmdir("a")',
      app,
    ]);
  });
});
