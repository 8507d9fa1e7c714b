import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { createContainer, SLEEPING_BOOT, writeBootPy } from './support/containers';
import { auditLines, startApp, TEST_IMAGE, TestApp } from './support/e2e-app';
import { buildZip } from './support/zip-fixtures';

/** Idempotency-Key and ETag/If-Match against the real app and the real engine. */
describe('Idempotency-Key and optimistic concurrency (real app, real Docker engine)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  const projects = (): string[] => readdirSync(t.projectsDir).filter((n) => n.startsWith('c'));
  const create = (key: string, body: Record<string, unknown> = {}) =>
    t
      .http()
      .post('/containers')
      .set('Idempotency-Key', key)
      .send({ image: TEST_IMAGE, ...body });

  describe('POST /containers', () => {
    it('replays the first answer for a repeat, with the replay header, and creates nothing else', async () => {
      const before = projects().length;
      const first = await create('create-once', { tags: ['idem'] }).expect(201);
      expect(first.headers['idempotency-replayed']).toBeUndefined();
      const again = await create('create-once', { tags: ['idem'] }).expect(201);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.text).toBe(first.text);
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(projects().length).toBe(before + 1);

      const audit = (await auditLines(t)).filter((l) => l.idempotency_key === 'create-once');
      expect(audit.map((l) => [l.action, l.status, l.idempotency_replayed ?? false])).toEqual([
        ['container.create', 201, false],
        ['container.create', 201, true],
      ]);
      expect(audit[1]?.compose).toEqual([]);
    });

    it('refuses the same key with another body: 422 IDEMPOTENCY_KEY_REUSED, nothing created', async () => {
      await create('create-other-body', { tags: ['a'] }).expect(201);
      const before = projects().length;
      const res = await create('create-other-body', { tags: ['b'] }).expect(422);
      expect(res.body).toEqual({
        error: 'validation_error',
        code: 'IDEMPOTENCY_KEY_REUSED',
        message: expect.stringContaining('different request'),
        status: 422,
        request_id: res.headers['x-request-id'],
        timestamp: expect.any(String),
        details: { key_length: 'create-other-body'.length },
      });
      expect(projects().length).toBe(before);
    });

    it('parallel duplicates have one effect: one container, the same answer for all', async () => {
      const before = projects().length;
      const answers = await Promise.all(Array.from({ length: 6 }, () => create('create-parallel', { tags: ['p'] })));
      expect(answers.map((a) => a.status)).toEqual(Array(6).fill(201));
      expect(new Set(answers.map((a) => a.body.cuid as string)).size).toBe(1);
      expect(answers.filter((a) => a.headers['idempotency-replayed'] !== 'true')).toHaveLength(1);
      expect(projects().length).toBe(before + 1);
    });

    it('refuses a malformed key with 400 INVALID_IDEMPOTENCY_KEY', async () => {
      const before = projects().length;
      for (const key of ['x'.repeat(256), 'tab\there']) {
        const res = await create(key).expect(400);
        expect(res.body.code).toBe('INVALID_IDEMPOTENCY_KEY');
      }
      expect(projects().length).toBe(before);
    });

    it('replays a validation error too, and keeps the key bound to its body', async () => {
      const first = await t.http().post('/containers').set('Idempotency-Key', 'bad-image').send({ image: 'Bad Image' });
      expect(first.status).toBe(400);
      const again = await t.http().post('/containers').set('Idempotency-Key', 'bad-image').send({ image: 'Bad Image' });
      expect(again.status).toBe(400);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
    });
  });

  describe('actions, PATCH and DELETE', () => {
    it('replays an action without running it again', async () => {
      const cuid = await createContainer(t);
      const first = await t.http().post(`/containers/${cuid}/stop`).set('Idempotency-Key', 'stop-1').expect(200);
      const again = await t.http().post(`/containers/${cuid}/stop`).set('Idempotency-Key', 'stop-1').expect(200);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      const audit = (await auditLines(t)).filter((l) => l.idempotency_key === 'stop-1');
      expect(audit).toHaveLength(2);
      expect(audit[1]).toMatchObject({ action: 'container.stop', idempotency_replayed: true, compose: [] });
    });

    it('replays a PATCH with its original ETag, even after a later change', async () => {
      const cuid = await createContainer(t);
      const patch = () =>
        t
          .http()
          .patch(`/containers/${cuid}`)
          .set('Idempotency-Key', 'patch-1')
          .send({ tags: ['first'] });
      const first = await patch().expect(200);
      await t
        .http()
        .patch(`/containers/${cuid}`)
        .send({ tags: ['second'] })
        .expect(200);
      const again = await patch().expect(200);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.headers.etag).toBe(first.headers.etag);
      expect(again.text).toBe(first.text);
      // The replay changed nothing: the later change stands.
      expect((await t.http().get(`/containers/${cuid}`).expect(200)).body.tags).toEqual(['second']);
    });

    it('replays a DELETE: same answer, no 404', async () => {
      const cuid = await createContainer(t);
      const first = await t.http().delete(`/containers/${cuid}`).set('Idempotency-Key', 'del-1').expect(200);
      const again = await t.http().delete(`/containers/${cuid}`).set('Idempotency-Key', 'del-1').expect(200);
      expect(again.body).toEqual(first.body);
      expect(again.headers['idempotency-replayed']).toBe('true');
    });
  });

  describe('upload-zip', () => {
    it('replays a repeated upload without extracting it again; another body with the key → 422', async () => {
      const cuid = await createContainer(t);
      const zip = buildZip([{ name: 'hello.txt', data: 'hello' }]);
      const upload = (body: Buffer) =>
        t
          .http()
          .post(`/containers/${cuid}/upload-zip`)
          .set('Content-Type', 'application/zip')
          .set('Idempotency-Key', 'upload-1')
          .send(body);
      const first = await upload(zip).expect(200);
      const file = path.join(t.projectsDir, cuid, 'app', 'hello.txt');
      expect(readFileSync(file, 'utf8')).toBe('hello');
      rmSync(file);

      const again = await upload(zip).expect(200);
      expect(again.headers['idempotency-replayed']).toBe('true');
      expect(again.body).toEqual(first.body);
      expect(existsSync(file)).toBe(false);

      const other = await upload(buildZip([{ name: 'hello.txt', data: 'other' }])).expect(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(existsSync(file)).toBe(false);
    });

    it('does not store an upload answered before its body was read: a retry runs again', async () => {
      const cuid = await createContainer(t);
      const zip = buildZip([{ name: 'a.txt', data: 'a' }]);
      const upload = (type: string) =>
        t
          .http()
          .post(`/containers/${cuid}/upload-zip`)
          .set('Content-Type', type)
          .set('Idempotency-Key', 'upload-early')
          .send(zip);
      expect((await upload('text/plain')).status).toBe(415);
      const retry = await upload('application/zip').expect(200);
      expect(retry.headers['idempotency-replayed']).toBeUndefined();
      expect(readFileSync(path.join(t.projectsDir, cuid, 'app', 'a.txt'), 'utf8')).toBe('a');
      // The key stays bound to its path.
      const elsewhere = await createContainer(t);
      const other = await t
        .http()
        .post(`/containers/${elsewhere}/upload-zip`)
        .set('Content-Type', 'application/zip')
        .set('Idempotency-Key', 'upload-early')
        .send(zip)
        .expect(422);
      expect(other.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    });
  });

  it('documents the headers, codes and fields in the OpenAPI document', async () => {
    const doc = (await t.http().get('/openapi.json').expect(200)).body;
    const params = (op: { parameters?: { name: string; in: string }[] }) =>
      (op.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name);
    const create = doc.paths['/containers'].post;
    expect(params(create)).toContain('Idempotency-Key');
    expect(create.responses['201'].headers).toHaveProperty('ETag');
    expect(create.responses['409'].description).toEqual(expect.stringContaining('PORT_CONFLICT'));
    expect(create.responses['409'].description).toEqual(expect.stringContaining('IDEMPOTENCY_IN_PROGRESS'));
    expect(create.responses['422'].description).toEqual(expect.stringContaining('IDEMPOTENCY_KEY_REUSED'));
    const patch = doc.paths['/containers/{cuid}'].patch;
    expect(params(patch)).toEqual(expect.arrayContaining(['Idempotency-Key', 'If-Match']));
    expect(patch.responses['412'].description).toEqual(expect.stringContaining('PRECONDITION_FAILED'));
    expect(params(doc.paths['/containers/{cuid}/ports'].patch)).toContain('If-Match');
    for (const route of ['start', 'stop', 'restart', 'pause', 'unpause', 'upload-zip', 'keepalive']) {
      expect(params(doc.paths[`/containers/{cuid}/${route}`].post)).toContain('Idempotency-Key');
    }
    expect(params(doc.paths['/containers/{cuid}'].delete)).toContain('Idempotency-Key');
    expect(Object.keys(doc.components.schemas.ContainerDto.properties)).toEqual(
      expect.arrayContaining(['ttl_s', 'expires_at', 'idle_stop_s', 'idle_stop_at']),
    );
    expect(Object.keys(doc.components.schemas.CreateContainerDto.properties)).toEqual(
      expect.arrayContaining(['ttl_s', 'idle_stop_s']),
    );
  });

  describe('ETag and If-Match', () => {
    it('every one-container answer carries the version; status changes do not change it', async () => {
      const created = await t.http().post('/containers').send({ image: TEST_IMAGE }).expect(201);
      const cuid = created.body.cuid as string;
      const etag = created.headers.etag as string;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect((await t.http().get(`/containers/${cuid}`).expect(200)).headers.etag).toBe(etag);
      expect((await t.http().post(`/containers/${cuid}/stop`).expect(200)).headers.etag).toBe(etag);
    });

    it('a conditional GET is never 304: the tag versions the spec, the body carries live status', async () => {
      const cuid = await createContainer(t);
      const first = await t.http().get(`/containers/${cuid}`).expect(200);
      expect(first.body.status).toBe('created');
      const etag = first.headers.etag as string;
      writeBootPy(t, cuid, SLEEPING_BOOT);
      await t.http().post(`/containers/${cuid}/start`).expect(200);
      const again = await t.http().get(`/containers/${cuid}`).set('If-None-Match', etag).expect(200);
      expect(again.headers.etag).toBe(etag);
      expect(again.body.status).toBe('running');
      await t.http().delete(`/containers/${cuid}`).expect(200);
    });

    it('PATCH with a stale If-Match → 412 PRECONDITION_FAILED and no change', async () => {
      const cuid = await createContainer(t, { tags: ['v1'] });
      const v1 = (await t.http().get(`/containers/${cuid}`).expect(200)).headers.etag as string;
      const v2res = await t
        .http()
        .patch(`/containers/${cuid}`)
        .set('If-Match', v1)
        .send({ tags: ['v2'] })
        .expect(200);
      const v2 = v2res.headers.etag as string;
      expect(v2).not.toBe(v1);

      const stale = await t
        .http()
        .patch(`/containers/${cuid}`)
        .set('If-Match', v1)
        .send({ tags: ['lost-update'] })
        .expect(412);
      expect(stale.body).toEqual({
        error: 'conflict',
        code: 'PRECONDITION_FAILED',
        message: expect.any(String),
        status: 412,
        request_id: stale.headers['x-request-id'],
        timestamp: expect.any(String),
        details: { etag: v2 },
      });
      const stalePorts = await t
        .http()
        .patch(`/containers/${cuid}/ports`)
        .set('If-Match', v1)
        .send({ ports: [{ host: 42871, container: 80 }] })
        .expect(412);
      expect(stalePorts.body.code).toBe('PRECONDITION_FAILED');

      const now = await t.http().get(`/containers/${cuid}`).expect(200);
      expect(now.headers.etag).toBe(v2);
      expect(now.body).toMatchObject({ tags: ['v2'], ports: [] });
      const compose = readFileSync(path.join(t.projectsDir, cuid, 'compose.yaml'), 'utf8');
      expect(compose).not.toContain('lost-update');
      expect(compose).not.toContain('42871');
    });

    it('two clients editing from the same version: exactly one wins', async () => {
      const cuid = await createContainer(t);
      const v = (await t.http().get(`/containers/${cuid}`).expect(200)).headers.etag as string;
      const results = await Promise.all(
        ['a', 'b'].map((tag) =>
          t
            .http()
            .patch(`/containers/${cuid}`)
            .set('If-Match', v)
            .send({ tags: [tag] }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    });
  });
});
