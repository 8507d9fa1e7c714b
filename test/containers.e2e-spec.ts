import { readdirSync, readFileSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import * as path from 'node:path';
import {
  createContainer,
  dockerContainers,
  execIn,
  managedContainerIds,
  SLEEPING_BOOT,
  startSleepingContainer,
  writeBootPy,
} from './support/containers';
import { startApp, TEST_IMAGE, TestApp } from './support/e2e-app';

function expectError(
  res: { status: number; body: Record<string, unknown> },
  status: number,
  error: string,
  code: string,
) {
  expect({ status: res.status, error: res.body.error, code: res.body.code }).toEqual({ status, error, code });
  expect(res.body).toMatchObject({ status, request_id: expect.any(String), timestamp: expect.any(String) });
}

describe('containers lifecycle (real app, real Docker engine)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const projects = (): string[] => readdirSync(t.projectsDir).filter((n) => n.startsWith('c'));

  it('creates a container: 201 with the full body, compose.yaml on disk, a Docker container in created state', async () => {
    const payload = {
      image: TEST_IMAGE,
      env: { APP_ENV: 'production', DEBUG: 'false' },
      tags: ['web', 'production'],
      resources: { cpus: 1.0, memory: '4096m', pids: 2048 },
      ports: [{ host: 42101, container: 80, protocol: 'tcp' }],
    };
    const res = await t.http().post('/containers').send(payload).expect(201);
    expect(res.body).toEqual({
      cuid: expect.stringMatching(/^c[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      image: TEST_IMAGE,
      env: { APP_ENV: 'production', DEBUG: 'false' },
      tags: ['web', 'production'],
      resources: { cpus: 1, memory: '4096m', pids: 2048 },
      ports: [{ host: 42101, container: 80, protocol: 'tcp' }],
      command: null,
      status: 'created',
      disk_usage: { app_bytes: null, complete: false, measured_at: null },
      created_at: expect.any(String),
      updated_at: expect.any(String),
      ttl_s: null,
      expires_at: null,
      idle_stop_s: null,
      idle_stop_at: null,
    });
    const cuid = res.body.cuid as string;
    const compose = readFileSync(path.join(t.projectsDir, cuid, 'compose.yaml'), 'utf8');
    expect(compose).toContain('external: true');
    expect(compose).not.toContain('network_mode');
    expect(compose).toContain('"ALL"');
    expect(await dockerContainers(cuid)).toEqual([[`${cuid}-app-1`, 'created']]);
    const got = await t.http().get(`/containers/${cuid}`).expect(200);
    // The first GET asks for a background measurement of /app; it never waits for it.
    expect({ ...got.body, disk_usage: null }).toEqual({ ...res.body, disk_usage: null });
  });

  it('passes env values byte for byte, sets CONTAINER_UID and TAGS, and runs as DEFAULT_USER_UID', async () => {
    const tricky = {
      DOLLAR: 'a$b ${HOME} $$ $(id)',
      QUOTES: `it's "quoted" \`tick\``,
      MULTI: 'line1\nline2\ttab',
      UNICODE: 'héllo 🎉 日本',
      NO: 'no',
      OCTAL: '0123',
      SCI: '1e3',
      NUM: 42,
      BOOL: true,
    };
    const cuid = await startSleepingContainer(t, { env: tricky, tags: ['alpha', 'beta'] });
    const dump = await execIn(t, cuid, [
      'python',
      '-c',
      'import os,json;print(json.dumps({k:os.environ.get(k) for k in ["DOLLAR","QUOTES","MULTI","UNICODE","NO","OCTAL","SCI","NUM","BOOL","CONTAINER_UID","TAGS"]}))',
    ]);
    expect(JSON.parse(dump)).toEqual({
      ...tricky,
      NUM: '42',
      BOOL: 'true',
      CONTAINER_UID: cuid,
      TAGS: 'alpha,beta',
    });
    expect((await execIn(t, cuid, ['id', '-u'])).trim()).toBe('1000');
    const status =
      (await execIn(t, cuid, ['cat', '/proc/1/status'])) + (await execIn(t, cuid, ['cat', '/proc/self/status']));
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    expect(status).toMatch(/CapEff:\s+0000000000000000/);
  });

  describe('validation: 400 with a specific code and nothing created', () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['missing image', {}, 'MISSING_IMAGE'],
      ['image with a shell injection', { image: 'python; rm -rf /' }, 'INVALID_IMAGE'],
      ['image starting with a dash', { image: '--privileged' }, 'INVALID_IMAGE'],
      ['image not a string', { image: 42 }, 'INVALID_IMAGE'],
      ['env key not a variable name', { env: { 'BAD-KEY': 'x' } }, 'INVALID_ENV'],
      ['env value an object', { env: { A: { b: 1 } } }, 'INVALID_ENV'],
      ['env value with NUL', { env: { A: 'x\u0000y' } }, 'INVALID_ENV'],
      ['env not an object', { env: ['A=1'] }, 'INVALID_ENV'],
      ['tags not a list', { tags: 'web' }, 'INVALID_TAGS'],
      ['tag too long', { tags: ['x'.repeat(65)] }, 'INVALID_TAGS'],
      ['tag with a comma', { tags: ['a,b'] }, 'INVALID_TAGS'],
      ['cpus zero', { resources: { cpus: 0 } }, 'INVALID_CPUS'],
      ['cpus above host', { resources: { cpus: 10_000 } }, 'INVALID_CPUS'],
      ['memory unparseable', { resources: { memory: 'lots' } }, 'INVALID_MEMORY'],
      ['pids zero', { resources: { pids: 0 } }, 'INVALID_PIDS'],
      ['unknown resource', { resources: { gpus: 1 } }, 'UNKNOWN_FIELD'],
      ['port out of range', { ports: [{ host: 70000, container: 80 }] }, 'INVALID_PORT'],
      ['port zero', { ports: [{ host: 0, container: 80 }] }, 'INVALID_PORT'],
      ['bad protocol', { ports: [{ host: 42102, container: 80, protocol: 'sctp' }] }, 'INVALID_PROTOCOL'],
      [
        'duplicate host ports',
        {
          ports: [
            { host: 42103, container: 80 },
            { host: 42103, container: 81 },
          ],
        },
        'DUPLICATE_HOST_PORT',
      ],
      ['unknown field', { privileged: true }, 'UNKNOWN_FIELD'],
      ['command not argv', { command: 'python x.py' }, 'INVALID_COMMAND'],
    ];
    it.each(cases)('%s', async (_name, body, code) => {
      const before = projects();
      const payload = 'image' in body ? body : code === 'MISSING_IMAGE' ? body : { image: TEST_IMAGE, ...body };
      const res = await t.http().post('/containers').send(payload);
      expectError(res, 400, 'validation_error', code);
      expect(projects()).toEqual(before);
    });
  });

  it('refuses an image that is not on the host with IMAGE_NOT_PRESENT naming it, leaving nothing behind', async () => {
    const before = projects();
    const idsBefore = await managedContainerIds(t);
    const res = await t.http().post('/containers').send({ image: 'no-such-image-anywhere:1.0' });
    expectError(res, 400, 'validation_error', 'IMAGE_NOT_PRESENT');
    expect(res.body.message).toContain('no-such-image-anywhere:1.0');
    expect(projects()).toEqual(before);
    expect(await managedContainerIds(t)).toEqual(idsBefore);
  });

  it('answers 404 CONTAINER_NOT_FOUND for unknown and malformed cuids on every route', async () => {
    const unknown = 'c00000000-0000-4000-8000-000000000000';
    for (const cuid of [unknown, '..', 'not-a-cuid']) {
      expectError(await t.http().get(`/containers/${cuid}`), 404, 'not_found', 'CONTAINER_NOT_FOUND');
      expectError(await t.http().get(`/containers/${cuid}/status`), 404, 'not_found', 'CONTAINER_NOT_FOUND');
      expectError(await t.http().post(`/containers/${cuid}/start`), 404, 'not_found', 'CONTAINER_NOT_FOUND');
      expectError(
        await t.http().patch(`/containers/${cuid}`).send({ tags: [] }),
        404,
        'not_found',
        'CONTAINER_NOT_FOUND',
      );
      expectError(await t.http().delete(`/containers/${cuid}`), 404, 'not_found', 'CONTAINER_NOT_FOUND');
    }
  });

  it('runs the state machine: boot.py required, idempotent start/stop, pause rules, restart, status details', async () => {
    const cuid = await createContainer(t);
    expectError(await t.http().post(`/containers/${cuid}/start`), 422, 'state_error', 'BOOT_SCRIPT_MISSING');
    expectError(await t.http().post(`/containers/${cuid}/pause`), 422, 'state_error', 'CONTAINER_NOT_RUNNING');
    writeBootPy(t, cuid, SLEEPING_BOOT);
    expect((await t.http().post(`/containers/${cuid}/start`).expect(200)).body.status).toBe('running');
    expect((await t.http().post(`/containers/${cuid}/start`).expect(200)).body.status).toBe('running');
    expectError(await t.http().post(`/containers/${cuid}/unpause`), 422, 'state_error', 'CONTAINER_NOT_PAUSED');
    expect((await t.http().post(`/containers/${cuid}/pause`).expect(200)).body.status).toBe('paused');
    expectError(await t.http().post(`/containers/${cuid}/start`), 422, 'state_error', 'CONTAINER_PAUSED');
    expect((await t.http().post(`/containers/${cuid}/unpause`).expect(200)).body.status).toBe('running');
    const restarted = await t.http().post(`/containers/${cuid}/restart`).send({ timeout: 1 }).expect(200);
    expect(restarted.body.status).toBe('running');
    const stopped = await t.http().post(`/containers/${cuid}/stop?timeout=1`).set('Content-Type', 'application/json');
    expect(stopped.status).toBe(200);
    expect(stopped.body.status).toBe('stopped');
    expect((await t.http().post(`/containers/${cuid}/stop`).expect(200)).body.status).toBe('stopped');
    expectError(await t.http().post(`/containers/${cuid}/stop?timeout=-1`), 400, 'validation_error', 'INVALID_TIMEOUT');
    const status = await t.http().get(`/containers/${cuid}/status`).expect(200);
    expect(status.body).toEqual({
      cuid,
      status: 'stopped',
      exit_code: expect.any(Number),
      started_at: expect.any(String),
      finished_at: expect.any(String),
      restart_count: 0,
      oom_killed: false,
      pid: null,
    });
  });

  it('starts a container with a custom command and no boot.py', async () => {
    const cuid = await createContainer(t, { command: ['sleep', '1000'] });
    expect((await t.http().post(`/containers/${cuid}/start`).expect(200)).body.status).toBe('running');
  });

  it('reports the exit code of a boot.py that ends', async () => {
    const cuid = await createContainer(t);
    writeBootPy(t, cuid, 'import sys\nsys.exit(7)\n');
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    let status: Record<string, unknown> = {};
    for (let i = 0; i < 50 && status.status !== 'stopped'; i += 1) {
      status = (await t.http().get(`/containers/${cuid}/status`)).body;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(status).toMatchObject({ status: 'stopped', exit_code: 7 });
  });

  it('PATCH merges env (null removes), replaces tags, merges resources; recreates a running container', async () => {
    const cuid = await createContainer(t, {
      env: { OLD_VAR: 'old', KEEP: 'k' },
      tags: ['v1'],
      resources: { cpus: 1, memory: '256m' },
    });
    writeBootPy(t, cuid, SLEEPING_BOOT);
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    const res = await t
      .http()
      .patch(`/containers/${cuid}`)
      .send({ env: { NEW_VAR: 'value', OLD_VAR: null }, tags: ['updated', 'v2'], resources: { memory: '512m' } })
      .expect(200);
    expect(res.body).toMatchObject({
      env: { KEEP: 'k', NEW_VAR: 'value' },
      tags: ['updated', 'v2'],
      resources: { cpus: 1, memory: '512m' },
      status: 'running',
      recreated: true,
    });
    expect(res.body.env).not.toHaveProperty('OLD_VAR');
    const env = await execIn(t, cuid, ['sh', '-c', 'echo "$NEW_VAR|${OLD_VAR-unset}|$TAGS"']);
    expect(env.trim()).toBe('value|unset|updated,v2');
    const memory = await execIn(t, cuid, ['cat', '/sys/fs/cgroup/memory.max']).catch(() =>
      execIn(t, cuid, ['cat', '/sys/fs/cgroup/memory/memory.limit_in_bytes']),
    );
    expect(memory.trim()).toBe(String(512 * 1024 * 1024));
  });

  it('PATCH on a stopped container takes effect at its next start', async () => {
    const cuid = await createContainer(t, { env: { A: '1' } });
    writeBootPy(t, cuid, SLEEPING_BOOT);
    const res = await t
      .http()
      .patch(`/containers/${cuid}`)
      .send({ env: { A: '2' } })
      .expect(200);
    expect(res.body).toMatchObject({ status: 'created', recreated: false, env: { A: '2' } });
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    expect((await execIn(t, cuid, ['sh', '-c', 'echo $A'])).trim()).toBe('2');
  });

  it('PATCH rejects bad input without changing anything', async () => {
    const cuid = await createContainer(t, { env: { A: '1' } });
    const file = path.join(t.projectsDir, cuid, 'compose.yaml');
    const before = readFileSync(file, 'utf8');
    expectError(
      await t
        .http()
        .patch(`/containers/${cuid}`)
        .send({ env: { 'A B': 1 } }),
      400,
      'validation_error',
      'INVALID_ENV',
    );
    expectError(
      await t.http().patch(`/containers/${cuid}`).send({ image: 'Bad Image' }),
      400,
      'validation_error',
      'INVALID_IMAGE',
    );
    expectError(
      await t.http().patch(`/containers/${cuid}`).send({ nope: 1 }),
      400,
      'validation_error',
      'UNKNOWN_FIELD',
    );
    expectError(
      await t.http().patch(`/containers/${cuid}`).send({ image: 'missing-image:0' }),
      400,
      'validation_error',
      'IMAGE_NOT_PRESENT',
    );
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  describe('ports', () => {
    let blocker: Server;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((resolve) => blocker.listen(42199, '0.0.0.0', resolve));
    });
    afterAll(async () => {
      await new Promise((resolve) => blocker.close(resolve));
    });

    it('replaces the port list of a running container (spec example)', async () => {
      const cuid = await startSleepingContainer(t, { ports: [{ host: 42110, container: 80 }] });
      const res = await t
        .http()
        .patch(`/containers/${cuid}/ports`)
        .send({
          ports: [
            { host: 42111, container: 3000, protocol: 'tcp' },
            { host: 42112, container: 9000, protocol: 'udp' },
          ],
        })
        .expect(200);
      expect(res.body).toMatchObject({ status: 'running', recreated: true });
      expect(res.body.ports).toEqual([
        { host: 42111, container: 3000, protocol: 'tcp' },
        { host: 42112, container: 9000, protocol: 'udp' },
      ]);
    });

    it('409 PORT_CONFLICT for a host port another managed container has, before anything changes', async () => {
      await createContainer(t, { ports: [{ host: 42120, container: 80 }] });
      expectError(
        await t
          .http()
          .post('/containers')
          .send({ image: TEST_IMAGE, ports: [{ host: 42120, container: 81 }] }),
        409,
        'conflict',
        'PORT_CONFLICT',
      );
      const other = await createContainer(t, { ports: [{ host: 42121, container: 80 }] });
      const res = await t
        .http()
        .patch(`/containers/${other}/ports`)
        .send({ ports: [{ host: 42120, container: 80 }] });
      expectError(res, 409, 'conflict', 'PORT_CONFLICT');
      expect(res.body.details).toMatchObject({ port: 42120, protocol: 'tcp' });
      expect((await t.http().get(`/containers/${other}`)).body.ports).toEqual([
        { host: 42121, container: 80, protocol: 'tcp' },
      ]);
    });

    it('two creates racing for one host port: exactly one wins', async () => {
      const [a, b] = await Promise.all([
        t
          .http()
          .post('/containers')
          .send({ image: TEST_IMAGE, ports: [{ host: 42130, container: 80 }] }),
        t
          .http()
          .post('/containers')
          .send({ image: TEST_IMAGE, ports: [{ host: 42130, container: 80 }] }),
      ]);
      expect([a.status, b.status].sort()).toEqual([201, 409]);
    });

    it('a bind failure at recreate answers 409 with the port and puts the container back as it was', async () => {
      const cuid = await startSleepingContainer(t, { ports: [{ host: 42140, container: 80 }] });
      const res = await t
        .http()
        .patch(`/containers/${cuid}/ports`)
        .send({ ports: [{ host: 42199, container: 80 }] });
      expectError(res, 409, 'conflict', 'PORT_BIND_FAILED');
      expect(res.body.details.port).toBe(42199);
      const after = await t.http().get(`/containers/${cuid}`).expect(200);
      expect(after.body.ports).toEqual([{ host: 42140, container: 80, protocol: 'tcp' }]);
      expect(after.body.status).toBe('running');
    });
  });

  it('lists with status and tag filters and a cursor that sees each container once across creates and deletes', async () => {
    const tag = `page${Date.now()}`;
    const made: string[] = [];
    for (let i = 0; i < 5; i += 1) made.push(await createContainer(t, { tags: [tag] }));
    const seen: string[] = [];
    let cursor: string | null = null;
    let round = 0;
    do {
      const res: { body: { containers: { cuid: string }[]; next_cursor: string | null } } = await t
        .http()
        .get('/containers')
        .query({ tag, limit: 2, ...(cursor ? { cursor } : {}) })
        .expect(200);
      seen.push(...res.body.containers.map((c: { cuid: string }) => c.cuid));
      cursor = res.body.next_cursor;
      if (round === 0) {
        await t.http().delete(`/containers/${made[4]}`).expect(200);
        made.push(await createContainer(t, { tags: [tag] }));
      }
      round += 1;
    } while (cursor && round < 10);
    expect(seen).toEqual([made[0], made[1], made[2], made[3], made[5]]);
    expect(new Set(seen).size).toBe(seen.length);
    const created = await t.http().get('/containers').query({ status: 'created', tag }).expect(200);
    expect(created.body.containers).toHaveLength(5);
    const running = await t.http().get('/containers').query({ status: 'running,paused', tag }).expect(200);
    expect(running.body).toEqual({ containers: [], next_cursor: null });
    expectError(
      await t.http().get('/containers').query({ status: 'sleeping' }),
      400,
      'validation_error',
      'INVALID_STATUS',
    );
    expectError(await t.http().get('/containers').query({ limit: 501 }), 400, 'validation_error', 'INVALID_LIMIT');
    expectError(
      await t.http().get('/containers').query({ cursor: 'garbage' }),
      400,
      'validation_error',
      'INVALID_CURSOR',
    );
  });

  it('20 concurrent lifecycle calls on one container end consistent, with no 500s', async () => {
    const cuid = await createContainer(t);
    writeBootPy(t, cuid, SLEEPING_BOOT);
    const actions = ['start', 'stop', 'restart', 'pause', 'unpause'];
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        i % 7 === 6
          ? t
              .http()
              .patch(`/containers/${cuid}`)
              .send({ env: { N: String(i) } })
          : t
              .http()
              .post(`/containers/${cuid}/${actions[i % actions.length]}`)
              .send({ timeout: 1 }),
      ),
    );
    for (const r of results) expect([200, 422]).toContain(r.status);
    const final = await t.http().get(`/containers/${cuid}/status`).expect(200);
    const docker = await dockerContainers(cuid);
    expect(docker).toHaveLength(1);
    const dockerState = docker[0]?.[1];
    expect(final.body.status).toBe(dockerState === 'exited' ? 'stopped' : dockerState);
  });

  it('DELETE stops and removes the project, its Docker objects and its directory', async () => {
    const cuid = await startSleepingContainer(t);
    await t.http().delete(`/containers/${cuid}`).expect(200, { cuid, deleted: true });
    expect(projects()).not.toContain(cuid);
    expect(await dockerContainers(cuid)).toEqual([]);
    expectError(await t.http().get(`/containers/${cuid}`), 404, 'not_found', 'CONTAINER_NOT_FOUND');
  });

  it('after a restart of the service every container is listed with its true status', async () => {
    const running = await createContainer(t, { tags: ['reboot'] });
    writeBootPy(t, running, SLEEPING_BOOT);
    await t.http().post(`/containers/${running}/start`).expect(200);
    const created = await createContainer(t, { tags: ['reboot'] });
    await t.stop();
    t = await startApp({}, { root: t.root });
    const res = await t.http().get('/containers').query({ tag: 'reboot' }).expect(200);
    const byCuid = Object.fromEntries(
      res.body.containers.map((c: { cuid: string; status: string }) => [c.cuid, c.status]),
    );
    expect(byCuid).toEqual({ [running]: 'running', [created]: 'created' });
  });
});
