import { readFileSync, rmSync } from 'node:fs';
import { createServer, Server, Socket } from 'node:net';
import * as path from 'node:path';
import { removeProjects, TEST_IMAGE } from '../support/e2e-app';
import { ServiceProcess, spawnService } from '../support/service-process';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A loopback-only TCP service standing in for a registry: it records whether anyone connected. */
interface Listener {
  server: Server;
  port: number;
  connections: number;
}

async function listen(): Promise<Listener> {
  const listener: Listener = { server: createServer(), port: 0, connections: 0 };
  listener.server.on('connection', (socket: Socket) => {
    listener.connections += 1;
    socket.destroy();
  });
  await new Promise<void>((resolve) => listener.server.listen(0, '127.0.0.1', resolve));
  const address = listener.server.address();
  listener.port = typeof address === 'object' && address ? address.port : 0;
  return listener;
}

async function stop(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGKILL');
  await service.exited;
  await removeProjects(service.projectsDir);
  rmSync(service.root, { recursive: true, force: true });
}

/**
 * Issue #10 item 8: the image field made the root engine connect to any host, loopback services
 * included. An image the host lacks is pulled only as IMAGE_PULL_POLICY allows, and compose never
 * pulls on its own.
 */
describe('reliability: the image field cannot make the engine fetch from an arbitrary host', () => {
  let registry: Listener;

  beforeAll(async () => {
    registry = await listen();
  });
  afterAll(async () => {
    await new Promise((r) => registry.server.close(r));
  });

  describe('IMAGE_PULL_POLICY=never (the default)', () => {
    let service: ServiceProcess;
    beforeAll(async () => {
      service = await spawnService();
    });
    afterAll(() => stop(service));

    it('refuses an image not on the host with IMAGE_NOT_PRESENT, and the engine never connects', async () => {
      const image = `127.0.0.1:${registry.port}/probe:1`;
      const res = await service.http().post('/containers').send({ image });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'validation_error', code: 'IMAGE_NOT_PRESENT' });
      expect(res.body.details).toMatchObject({ field: 'image', image, pull_policy: 'never' });

      const created = await service.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
      const patched = await service
        .http()
        .patch(`/containers/${created.body.cuid as string}`)
        .send({ image });
      expect({ status: patched.status, code: patched.body.code }).toEqual({ status: 400, code: 'IMAGE_NOT_PRESENT' });
      await sleep(1000);
      expect(registry.connections).toBe(0);
    });

    it('compose is told never to pull: in the file and on every create/up', async () => {
      const created = await service
        .http()
        .post('/containers')
        .send({ image: TEST_IMAGE, command: ['sleep', '1000'] })
        .expect(201);
      const cuid = created.body.cuid as string;
      await service.http().post(`/containers/${cuid}/start`).expect(200);
      const compose = readFileSync(path.join(service.projectsDir, cuid, 'compose.yaml'), 'utf8');
      expect(compose).toContain('pull_policy: "never"');
      await sleep(300);
      const runs = readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes(cuid))
        .flatMap((l) => ((JSON.parse(l) as { compose?: { argv: string[] }[] }).compose ?? []).map((c) => c.argv));
      const makers = runs.filter((argv) => argv.includes('create') || argv.includes('up'));
      expect(makers.length).toBeGreaterThanOrEqual(2);
      for (const argv of makers) expect(argv.join(' ')).toContain('--pull never');
    });
  });

  describe('IMAGE_PULL_POLICY=allowlist', () => {
    let service: ServiceProcess;
    beforeAll(async () => {
      service = await spawnService({
        IMAGE_PULL_POLICY: 'allowlist',
        IMAGE_REGISTRIES_ALLOWED: `registry.example.com, 127.0.0.1:${registry.port + 1}`,
      });
    });
    afterAll(() => stop(service));

    it('refuses a registry not listed with IMAGE_REGISTRY_NOT_ALLOWED, and the engine never connects', async () => {
      const before = registry.connections;
      for (const image of [`127.0.0.1:${registry.port}/probe:1`, `localhost:${registry.port}/probe`]) {
        const res = await service.http().post('/containers').send({ image });
        expect({ status: res.status, code: res.body.code }).toEqual({
          status: 400,
          code: 'IMAGE_REGISTRY_NOT_ALLOWED',
        });
      }
      await sleep(1000);
      expect(registry.connections).toBe(before);
    });
  });

  describe('IMAGE_PULL_POLICY=allowlist with the registry listed (control: the probe does see a pull)', () => {
    let service: ServiceProcess;
    beforeAll(async () => {
      service = await spawnService({
        IMAGE_PULL_POLICY: 'allowlist',
        IMAGE_REGISTRIES_ALLOWED: `127.0.0.1:${registry.port}`,
      });
    });
    afterAll(() => stop(service));

    it('pulls from an allowed registry (here it fails: IMAGE_NOT_FOUND), so the engine did connect', async () => {
      const before = registry.connections;
      const res = await service
        .http()
        .post('/containers')
        .send({ image: `127.0.0.1:${registry.port}/probe:1` });
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 'IMAGE_NOT_FOUND' });
      expect(registry.connections).toBeGreaterThan(before);
    });
  });
});
