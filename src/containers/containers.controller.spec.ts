import request from 'supertest';
import { NotFoundError } from '../common/errors/app-error';
import { startHttpApp, type HttpApp } from '../../test/support/http-app';
import { ContainersController } from './containers.controller';
import { ContainersService } from './containers.service';
import { CreateOrResume } from './create-or-resume';
import { ContainerViews } from './container-views';
import { ProjectStore } from './project-store';

/** The HTTP tier: routes, DTO codes, the Express chain and the error filter, with no engine behind. */
describe('ContainersController over HTTP (no Docker)', () => {
  let t: HttpApp;
  const containers = { list: jest.fn(), get: jest.fn(), status: jest.fn(), update: jest.fn(), remove: jest.fn() };
  const creator = { create: jest.fn() };

  beforeAll(async () => {
    t = await startHttpApp(
      [ContainersController],
      [
        { provide: ContainersService, useValue: containers },
        { provide: CreateOrResume, useValue: creator },
        ContainerViews,
        { provide: ProjectStore, useValue: { get: () => undefined } },
      ],
      { env: { JSON_BODY_LIMIT_BYTES: '1024' } },
    );
  });
  afterAll(() => t.close());
  beforeEach(() => jest.resetAllMocks());

  const expectErrorBody = (body: Record<string, unknown>, status: number, error: string, code: string): void => {
    expect(body).toEqual(
      expect.objectContaining({
        error,
        code,
        status,
        message: expect.any(String),
        request_id: expect.any(String),
        details: expect.any(Object),
      }),
    );
    expect(body.timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/);
    expect(body).not.toHaveProperty('stacktrace');
  };

  describe('auth, before any route', () => {
    it('answers 401 AUTH_REQUIRED with a Basic challenge and never reaches the service', async () => {
      const res = await request(t.app.getHttpServer()).get('/containers');
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'auth_error', 'AUTH_REQUIRED');
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
      expect(containers.list).not.toHaveBeenCalled();
    });

    it('answers 401 on an unknown route too, so routes cannot be probed without credentials', async () => {
      const res = await request(t.app.getHttpServer()).get('/no-such-route');
      expect(res.status).toBe(401);
    });

    it('answers 401 INVALID_CREDENTIALS for a wrong password', async () => {
      const res = await request(t.app.getHttpServer())
        .get('/containers')
        .set('Authorization', `Basic ${Buffer.from('admin:wrong').toString('base64')}`);
      expect(res.status).toBe(401);
      expectErrorBody(res.body, 401, 'auth_error', 'INVALID_CREDENTIALS');
    });
  });

  describe('the Express chain', () => {
    it('refuses a state-changing request from a foreign Origin with 403 ORIGIN_NOT_ALLOWED', async () => {
      const res = await t.http().post('/containers').set('Origin', 'https://evil.example').send({ image: 'x' });
      expect(res.status).toBe(403);
      expectErrorBody(res.body, 403, 'auth_error', 'ORIGIN_NOT_ALLOWED');
      expect(creator.create).not.toHaveBeenCalled();
    });

    it('refuses a body without a JSON Content-Type with 415 UNSUPPORTED_MEDIA_TYPE', async () => {
      const res = await t.http().post('/containers').set('Content-Type', 'text/plain').send('{"image":"x"}');
      expect(res.status).toBe(415);
      expectErrorBody(res.body, 415, 'validation_error', 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('answers 400 INVALID_JSON for a body that does not parse', async () => {
      const res = await t.http().post('/containers').set('Content-Type', 'application/json').send('{"image":');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'validation_error', 'INVALID_JSON');
    });

    it('answers 400 FORBIDDEN_KEY for a prototype-pollution key', async () => {
      const res = await t
        .http()
        .post('/containers')
        .set('Content-Type', 'application/json')
        .send('{"image":"x","env":{"__proto__":{"polluted":"1"}}}');
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'validation_error', 'FORBIDDEN_KEY');
    });

    it('answers 413 PAYLOAD_TOO_LARGE over JSON_BODY_LIMIT_BYTES', async () => {
      const res = await t
        .http()
        .post('/containers')
        .send({ image: 'x', env: { BIG: 'a'.repeat(2048) } });
      expect(res.status).toBe(413);
      expectErrorBody(res.body, 413, 'validation_error', 'PAYLOAD_TOO_LARGE');
    });

    it('echoes a safe X-Request-Id in the header and the error body', async () => {
      const res = await t.http().get('/no-such-route').set('X-Request-Id', 'req-123');
      expect(res.status).toBe(404);
      expect(res.headers['x-request-id']).toBe('req-123');
      expectErrorBody(res.body, 404, 'not_found', 'ROUTE_NOT_FOUND');
      expect(res.body.request_id).toBe('req-123');
    });
  });

  describe('DTO validation codes', () => {
    it.each([
      [{}, 'MISSING_IMAGE', 'image'],
      [{ image: 'x', bogus: 1 }, 'UNKNOWN_FIELD', 'bogus'],
      [{ image: 'x', resources: { memory: 'lots' } }, 'INVALID_MEMORY', 'resources.memory'],
      [{ image: 'x', ports: [{ host: 70000, container: 80 }] }, 'INVALID_PORT', 'ports.0.host'],
    ])('POST /containers %j → 400 %s', async (body, code, field) => {
      const res = await t.http().post('/containers').send(body);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'validation_error', code);
      expect(res.body.details.field).toBe(field);
      expect(creator.create).not.toHaveBeenCalled();
    });

    it.each([
      ['status=bogus', 'INVALID_STATUS'],
      ['limit=abc', 'INVALID_LIMIT'],
      ['nope=1', 'UNKNOWN_FIELD'],
    ])('GET /containers?%s → 400 %s', async (query, code) => {
      const res = await t.http().get(`/containers?${query}`);
      expect(res.status).toBe(400);
      expectErrorBody(res.body, 400, 'validation_error', code);
      expect(containers.list).not.toHaveBeenCalled();
    });

    it('hands a valid body to the service, transformed', async () => {
      creator.create.mockResolvedValue({ cuid: 'c1', image: 'img' });
      const res = await t
        .http()
        .post('/containers')
        .send({ image: 'img', tags: ['a'] });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ cuid: 'c1', image: 'img' });
      expect(creator.create).toHaveBeenCalledTimes(1);
      expect(creator.create.mock.calls[0][0]).toEqual(expect.objectContaining({ image: 'img', tags: ['a'] }));
    });
  });

  describe('the error filter', () => {
    it("renders a service's typed error in the schema with its status", async () => {
      containers.get.mockRejectedValue(new NotFoundError('CONTAINER_NOT_FOUND', 'No such container', { cuid: 'c1' }));
      const res = await t.http().get('/containers/c1');
      expect(res.status).toBe(404);
      expectErrorBody(res.body, 404, 'not_found', 'CONTAINER_NOT_FOUND');
      expect(res.body.details).toEqual({ cuid: 'c1' });
    });

    it('renders an unexpected error as a 500 that reveals nothing of it', async () => {
      containers.get.mockRejectedValue(new Error('secret host path /srv/x'));
      const res = await t.http().get('/containers/c1');
      expect(res.status).toBe(500);
      expectErrorBody(res.body, 500, 'io_error', 'INTERNAL_ERROR');
      expect(JSON.stringify(res.body)).not.toContain('/srv/x');
    });
  });
});
