import { ApplicationConfig } from '@nestjs/core';
import { auditLines, basicAuth, PASS, startApp, TestApp, USER } from './support/e2e-app';

function expectErrorSchema(body: Record<string, unknown>, error: string, code: string, status: number): void {
  expect(body).toMatchObject({ error, code, status, details: expect.any(Object) });
  expect(typeof body.message).toBe('string');
  expect(body.request_id).toEqual(expect.any(String));
  expect(body.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?[+-]\d{2}:\d{2}$/);
  expect(body).not.toHaveProperty('stacktrace');
}

describe('foundation (real app, real Docker engine)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ AUTH_MAX_FAILURES: '5', AUTH_WINDOW_S: '60' });
  });
  afterAll(async () => {
    await t.close();
  });

  it('has no global interceptor: each one costs every request an RxJS chain (README, Benchmarks: the listing)', () => {
    const config = t.app.get(ApplicationConfig);
    expect(config.getGlobalInterceptors()).toEqual([]);
    expect(config.getGlobalRequestInterceptors()).toEqual([]);
    // The guards that took the interceptors' jobs never refuse; each is cheap and synchronous.
    expect(config.getGlobalGuards().map((g) => g.constructor.name)).toEqual(
      expect.arrayContaining(['AuditActionGuard', 'ContainerActivityGuard']),
    );
  });

  it('GET /healthz reports compose and docker versions from the engine', async () => {
    const res = await t.http().get('/healthz').expect(200);
    expect(res.body).toEqual({
      status: 'ok',
      compose_version: expect.stringMatching(/^\d+\.\d+/),
      docker_version: expect.stringMatching(/^\d+\.\d+/),
      uptime_s: expect.any(Number),
    });
  });

  it('refuses a request without credentials with 401, a Basic challenge and the error schema', async () => {
    const res = await t.http().get('/healthz').set('Authorization', '').expect(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expectErrorSchema(res.body, 'auth_error', 'AUTH_REQUIRED', 401);
  });

  it('refuses a wrong password and accepts a password containing a colon', async () => {
    const bad = await t
      .http()
      .get('/healthz')
      .set('Authorization', basicAuth(USER, 'wrong'))
      .set('X-Forwarded-For', 'x');
    expect(bad.status).toBe(401);
    expectErrorSchema(bad.body, 'auth_error', 'INVALID_CREDENTIALS', 401);
    await t.http().get('/healthz').set('Authorization', basicAuth(USER, PASS)).expect(200);
  });

  it('answers unknown routes with 404 not_found', async () => {
    const res = await t.http().get('/no/such/route').expect(404);
    expectErrorSchema(res.body, 'not_found', 'ROUTE_NOT_FOUND', 404);
  });

  it('answers malformed JSON with 400 INVALID_JSON and a too-large body with 413', async () => {
    const bad = await t.http().post('/healthz').set('Content-Type', 'application/json').send('{"a":');
    expect(bad.status).toBe(400);
    expectErrorSchema(bad.body, 'validation_error', 'INVALID_JSON', 400);
    const big = await t
      .http()
      .post('/healthz')
      .set('Content-Type', 'application/json')
      .send(JSON.stringify({ a: 'x'.repeat(2 * 1024 * 1024) }));
    expect(big.status).toBe(413);
    expectErrorSchema(big.body, 'validation_error', 'PAYLOAD_TOO_LARGE', 413);
  });

  it('rejects prototype-pollution keys and absurd nesting', async () => {
    const proto = await t.http().post('/healthz').set('Content-Type', 'application/json').send('{"__proto__":{"x":1}}');
    expectErrorSchema(proto.body, 'validation_error', 'FORBIDDEN_KEY', 400);
    const deep = await t
      .http()
      .post('/healthz')
      .set('Content-Type', 'application/json')
      .send('['.repeat(100) + ']'.repeat(100));
    expectErrorSchema(deep.body, 'validation_error', 'JSON_TOO_DEEP', 400);
  });

  it('honours and echoes X-Request-Id, and replaces an unsafe one', async () => {
    const res = await t.http().get('/no-route').set('X-Request-Id', 'req-123').expect(404);
    expect(res.headers['x-request-id']).toBe('req-123');
    expect(res.body.request_id).toBe('req-123');
    const unsafe = await t.http().get('/no-route').set('X-Request-Id', 'bad id\twith spaces');
    expect(unsafe.headers['x-request-id']).not.toBe('bad id\twith spaces');
    expect(unsafe.body.request_id).toBe(unsafe.headers['x-request-id']);
  });

  it('serves the OpenAPI document behind auth, listing /healthz and its error codes', async () => {
    await t.http().get('/openapi.json').set('Authorization', '').expect(401);
    const res = await t.http().get('/openapi.json').expect(200);
    expect(res.body.paths['/healthz'].get.responses).toHaveProperty('503');
    await t.http().get('/docs').expect(200);
  });

  it('writes one parseable audit line per request, with compose calls and never a password', async () => {
    await t.http().get('/healthz').set('X-Request-Id', 'audit-probe').expect(200);
    const lines = await auditLines(t);
    const entry = lines.find((l) => l.request_id === 'audit-probe');
    expect(entry).toMatchObject({ method: 'GET', path: '/healthz', action: 'health.check', status: 200, user: USER });
    expect(entry?.duration_ms).toEqual(expect.any(Number));
    expect(entry?.compose).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ argv: ['docker', 'compose', 'version', '--short'], exit_code: 0 }),
      ]),
    );
    const failures = lines.filter((l) => l.error === 'auth_error');
    expect(failures.length).toBeGreaterThan(0);
    const raw = JSON.stringify(lines);
    expect(raw).not.toContain(PASS);
    expect(raw).not.toContain('wrong');
  });

  it('throttles repeated wrong passwords for one user name from one address with 429 rate_limited', async () => {
    let last = 0;
    for (let i = 0; i < 8 && last !== 429; i += 1) {
      last = (
        await t
          .http()
          .get('/healthz')
          .set('Authorization', basicAuth(USER, `nope${i}`))
      ).status;
    }
    expect(last).toBe(429);
    const blocked = await t.http().get('/healthz');
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toMatch(/^\d+$/);
    expectErrorSchema(blocked.body, 'rate_limited', 'TOO_MANY_ATTEMPTS', 429);
  });
});
