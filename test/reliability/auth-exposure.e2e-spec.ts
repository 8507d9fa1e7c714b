import { readdirSync } from 'node:fs';
import request from 'supertest';
import { createContainer, managedContainerIds } from '../support/containers';
import { basicAuth, PASS, startApp, TEST_IMAGE, TestApp, USER } from '../support/e2e-app';
import { spawnService, ServiceProcess } from '../support/service-process';
import { buildZip } from '../support/zip-fixtures';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Waits out a lock the service announced, by its own Retry-After. */
const waitOut = (res: request.Response): Promise<void> => sleep(Number(res.headers['retry-after']) * 1000 + 100);

describe('reliability: anonymous clients cannot lock the real user out', () => {
  let service: ServiceProcess;
  beforeAll(async () => {
    // The test client is the "proxy" (127.0.0.1) and names clients with X-Forwarded-For.
    service = await spawnService({
      AUTH_MAX_FAILURES: '3',
      AUTH_WINDOW_S: '60',
      AUTH_BACKOFF_MAX_S: '4',
      TRUSTED_PROXIES: '127.0.0.1,::1',
    });
  });
  afterAll(() => {
    service.child.kill('SIGKILL');
  });

  const as = (client: string, user: string, pass: string) =>
    request(service.baseUrl).get('/healthz').set('X-Forwarded-For', client).set('Authorization', basicAuth(user, pass));

  it('50 requests without (or with unparseable) credentials, then the right credential from the same address: 200', async () => {
    for (let i = 0; i < 50; i += 1) {
      const anon = request(service.baseUrl).get('/containers').set('X-Forwarded-For', '203.0.113.1');
      const res = await (i % 2 === 0 ? anon : anon.set('Authorization', 'Basic !!!'));
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'AUTH_REQUIRED' });
    }
    await as('203.0.113.1', USER, PASS).expect(200);
  });

  it('wrong passwords for one user name from one address back off exponentially, up to the cap', async () => {
    const client = '203.0.113.10';
    for (let i = 0; i < 3; i += 1) {
      const res = await as(client, USER, `guess-${i}`);
      expect({ status: res.status, code: res.body.code }).toEqual({ status: 401, code: 'INVALID_CREDENTIALS' });
    }
    const locks: number[] = [];
    for (let round = 0; round < 4; round += 1) {
      const locked = await as(client, USER, 'guess-while-locked');
      expect({ status: locked.status, code: locked.body.code }).toEqual({ status: 429, code: 'TOO_MANY_ATTEMPTS' });
      locks.push(Number(locked.headers['retry-after']));
      await waitOut(locked);
      // The lock is over: one more wrong guess is checked (401) and locks the key again, for longer.
      expect((await as(client, USER, `guess-after-${round}`)).status).toBe(401);
    }
    expect(locks).toEqual([1, 2, 4, 4]);
  });

  it('a locked key refuses even the right password, but not another user name, another client, or after the lock', async () => {
    const client = '203.0.113.20';
    for (let i = 0; i < 3; i += 1) await as(client, USER, `guess-${i}`).expect(401);
    const locked = await as(client, USER, PASS);
    expect(locked.status).toBe(429);
    // Another user name from the same address is its own key.
    expect((await as(client, 'mallory', 'x')).status).toBe(401);
    // The real user behind the same proxy, as another client, gets in.
    await as('203.0.113.21', USER, PASS).expect(200);
    // A client cannot pick its address by prepending to X-Forwarded-For: the right-most untrusted entry counts.
    const spoof = await request(service.baseUrl)
      .get('/healthz')
      .set('X-Forwarded-For', `203.0.113.21, ${client}`)
      .set('Authorization', basicAuth(USER, PASS));
    expect(spoof.status).toBe(429);
    await waitOut(locked);
    await as(client, USER, PASS).expect(200);
    // A success forgets the key's failures.
    expect((await as(client, USER, 'one-more')).status).toBe(401);
  });
});

describe('reliability: X-Forwarded-For from a peer that is not a trusted proxy', () => {
  it('is ignored: the throttle counts the peer, whatever the header says', async () => {
    const service = await spawnService({ AUTH_MAX_FAILURES: '2', AUTH_BACKOFF_MAX_S: '60' });
    try {
      for (let i = 0; i < 2; i += 1) {
        await request(service.baseUrl)
          .get('/healthz')
          .set('X-Forwarded-For', `198.51.100.${i}`)
          .set('Authorization', basicAuth(USER, `guess-${i}`))
          .expect(401);
      }
      const res = await request(service.baseUrl)
        .get('/healthz')
        .set('X-Forwarded-For', '198.51.100.99')
        .set('Authorization', basicAuth(USER, 'guess-2'));
      expect(res.status).toBe(429);
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});

describe('reliability: every route asks for credentials first; cross-site requests are refused', () => {
  let t: TestApp;
  const anonymous = () => request(t.app.getHttpServer());
  beforeAll(async () => {
    t = await startApp({ ALLOWED_ORIGINS: 'https://console.example', TERMINAL_ALLOWED_ORIGINS: 'https://ide.example' });
  });
  afterAll(async () => {
    await t.close();
  });

  const expectAuthRequired = (res: request.Response) => {
    expect({ status: res.status, error: res.body.error, code: res.body.code }).toEqual({
      status: 401,
      error: 'auth_error',
      code: 'AUTH_REQUIRED',
    });
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  };

  it('an unknown route without credentials is 401, not 404', async () => {
    expectAuthRequired(await anonymous().get('/no/such/route'));
    expectAuthRequired(await anonymous().delete('/containers/nope/nothing'));
    await t.http().get('/no/such/route').expect(404);
  });

  it.each([
    '/openapi.yaml',
    '/OPENAPI.JSON',
    '/OpenAPI.yaml',
    '/openapi.json',
    '/DOCS',
    '/docs/',
    '/Docs/swagger-ui-init.js',
  ])('%s without credentials is 401', async (route) => {
    const res = await anonymous().get(route);
    expectAuthRequired(res);
    expect(res.text).not.toMatch(/openapi:|"openapi"|swagger/i);
  });

  it('serves the OpenAPI documents with credentials', async () => {
    expect((await t.http().get('/openapi.yaml').expect(200)).text).toContain('openapi:');
    const doc = (await t.http().get('/openapi.json').expect(200)).body;
    expect(doc.paths['/containers'].post.responses['403'].description).toContain('ORIGIN_NOT_ALLOWED');
    expect(doc.paths['/containers/{cuid}/upload-zip'].post.responses['415'].description).toContain(
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(doc.paths['/containers/{cuid}/upload-zip'].post.responses['403'].description).toMatch(
      /PATH_OUTSIDE_MOUNT.*ORIGIN/,
    );
    expect(doc.paths['/containers'].get.responses['403']).toBeUndefined();
  });

  it('an unauthenticated bad JSON body is 401, not 400 INVALID_JSON (the body is never read)', async () => {
    expectAuthRequired(await anonymous().post('/containers').set('Content-Type', 'application/json').send('{"image":'));
    const wrong = await anonymous()
      .post('/containers')
      .set('Authorization', basicAuth('someone', 'else'))
      .set('Content-Type', 'application/json')
      .send('{"image":');
    expect({ status: wrong.status, code: wrong.body.code }).toEqual({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  async function expectNothingChanged(send: () => Promise<request.Response>, status: number, code: string) {
    const dirs = readdirSync(t.projectsDir);
    const ids = await managedContainerIds(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body).toMatchObject({ request_id: expect.any(String), timestamp: expect.any(String) });
    expect(readdirSync(t.projectsDir)).toEqual(dirs);
    expect(await managedContainerIds(t)).toEqual(ids);
    return res;
  }

  it('a state-changing request from a foreign Origin is 403 ORIGIN_NOT_ALLOWED and changes nothing', async () => {
    const cuid = await createContainer(t);
    const body = JSON.stringify({ image: TEST_IMAGE });
    const evil = 'https://evil.example';
    const res = await expectNothingChanged(
      () => t.http().post('/containers').set('Origin', evil).set('Content-Type', 'text/plain').send(body),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    expect(res.body.error).toBe('auth_error');
    await expectNothingChanged(
      () => t.http().post('/containers').set('Origin', evil).set('Content-Type', 'application/json').send(body),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    await expectNothingChanged(
      () => t.http().delete(`/containers/${cuid}`).set('Origin', 'null'),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    await expectNothingChanged(
      () =>
        t
          .http()
          .post(`/containers/${cuid}/upload-zip`)
          .set('Origin', evil)
          .send(buildZip([{ name: 'boot.py', data: 'print(1)' }])),
      403,
      'ORIGIN_NOT_ALLOWED',
    );
    expect(readdirSync(`${t.projectsDir}/${cuid}/app`)).toEqual([]);
    // Reads are not refused (a browser cannot read a cross-site answer anyway), and known origins may write.
    await t.http().get(`/containers/${cuid}`).set('Origin', evil).expect(200);
    for (const origin of [t.baseUrl, 'https://console.example', 'https://ide.example']) {
      await t.http().post(`/containers/${cuid}/stop`).set('Origin', origin).expect(200);
    }
  });

  it('a JSON route refuses a body with another Content-Type with 415 and changes nothing', async () => {
    const cuid = await createContainer(t);
    const body = JSON.stringify({ image: TEST_IMAGE });
    const res = await expectNothingChanged(
      () => t.http().post('/containers').set('Content-Type', 'text/plain').send(body),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect(res.body).toMatchObject({ error: 'validation_error', status: 415 });
    await expectNothingChanged(
      () => t.http().post('/containers').set('Content-Type', 'application/x-www-form-urlencoded').send('image=x'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    await expectNothingChanged(
      () => t.http().patch(`/containers/${cuid}`).set('Content-Type', 'text/plain').send('{"tags":["x"]}'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
    expect((await t.http().get(`/containers/${cuid}`)).body.tags).toEqual([]);
    // No body, no Content-Type needed (the guide's control calls send none).
    await t.http().post(`/containers/${cuid}/stop`).expect(200);
  });

  it('upload-zip needs a zip Content-Type: none, text/plain or multipart is 415 and the mount stays empty', async () => {
    const cuid = await createContainer(t);
    const zip = buildZip([{ name: 'boot.py', data: 'print(1)' }]);
    const raw = () => t.http().post(`/containers/${cuid}/upload-zip`);
    for (const send of [
      () => raw().send(zip),
      () => raw().set('Content-Type', 'text/plain').send(zip),
      () => raw().attach('file', zip, 'app.zip'),
    ]) {
      await expectNothingChanged(send, 415, 'UNSUPPORTED_MEDIA_TYPE');
    }
    expect(readdirSync(`${t.projectsDir}/${cuid}/app`)).toEqual([]);
    await raw().set('Content-Type', 'application/zip').send(zip).expect(200);
    expect(readdirSync(`${t.projectsDir}/${cuid}/app`)).toEqual(['boot.py']);
  });
});
