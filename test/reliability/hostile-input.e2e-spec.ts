import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { managedContainerIds } from '../support/containers';
import { basicAuth, PASS, startApp, TEST_IMAGE, TestApp, USER } from '../support/e2e-app';
import { spawnService } from '../support/service-process';

/** Hostile request bodies: each is refused with a specific code, and nothing reaches disk or Docker. */
describe('reliability: hostile input', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  async function expectNothingCreated(
    send: () => Promise<{ status: number; body: Record<string, unknown> }>,
    status: number,
    code: string,
  ) {
    const dirs = readdirSync(t.projectsDir);
    const ids = await managedContainerIds(t);
    const res = await send();
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.body).toMatchObject({
      error: expect.any(String),
      request_id: expect.any(String),
      timestamp: expect.any(String),
    });
    expect(readdirSync(t.projectsDir)).toEqual(dirs);
    expect(await managedContainerIds(t)).toEqual(ids);
  }

  const post = (body: unknown) => () =>
    t
      .http()
      .post('/containers')
      .set('Content-Type', 'application/json')
      .send(body as object);

  it.each([
    ['image is an array', { image: ['a'] }, 'INVALID_IMAGE'],
    ['image is null', { image: null }, 'MISSING_IMAGE'],
    ['env is a string', { image: TEST_IMAGE, env: 'A=1' }, 'INVALID_ENV'],
    ['tags hold numbers', { image: TEST_IMAGE, tags: [1, 2] }, 'INVALID_TAGS'],
    ['resources is a list', { image: TEST_IMAGE, resources: [1] }, 'INVALID_RESOURCES'],
    ['cpus is a string', { image: TEST_IMAGE, resources: { cpus: '1' } }, 'INVALID_CPUS'],
    ['ports is an object', { image: TEST_IMAGE, ports: { host: 1 } }, 'INVALID_PORTS'],
    ['port is a float', { image: TEST_IMAGE, ports: [{ host: 8080.5, container: 80 }] }, 'INVALID_PORT'],
    ['port is a string', { image: TEST_IMAGE, ports: [{ host: '8080', container: 80 }] }, 'INVALID_PORT'],
    [
      'extra port field (mode)',
      { image: TEST_IMAGE, ports: [{ host: 42600, container: 80, mode: 'host' }] },
      'UNKNOWN_FIELD',
    ],
    ['privileged', { image: TEST_IMAGE, privileged: true }, 'UNKNOWN_FIELD'],
    ['volumes', { image: TEST_IMAGE, volumes: ['/:/host'] }, 'UNKNOWN_FIELD'],
    ['network_mode host', { image: TEST_IMAGE, network_mode: 'host' }, 'UNKNOWN_FIELD'],
    ['cap_add', { image: TEST_IMAGE, cap_add: ['SYS_ADMIN'] }, 'UNKNOWN_FIELD'],
    ['devices', { image: TEST_IMAGE, devices: ['/dev/sda'] }, 'UNKNOWN_FIELD'],
    ['env key with newline', { image: TEST_IMAGE, env: { 'A\nprivileged: true': 'x' } }, 'INVALID_ENV'],
    ['env key interpolation', { image: TEST_IMAGE, env: { '${X}': 'x' } }, 'INVALID_ENV'],
    ['env value that overflows to Infinity', `{"image":"${TEST_IMAGE}","env":{"A":1e400}}`, 'INVALID_ENV'],
    ['env value null on create', { image: TEST_IMAGE, env: { A: null } }, 'INVALID_ENV'],
    ['reserved env key', { image: TEST_IMAGE, env: { CONTAINER_UID: 'spoof' } }, 'INVALID_ENV'],
    ['command with NUL', { image: TEST_IMAGE, command: ['sh', '-c', 'a\u0000b'] }, 'INVALID_COMMAND'],
  ])('wrong type or forbidden key: %s', async (_name, body, code) => {
    await expectNothingCreated(post(body), 400, code);
  });

  it.each([
    '$(reboot)',
    '`id`',
    'python:3.12; rm -rf /',
    'img\nprivileged: true',
    'a b',
    '../../etc/passwd',
    '-v/:/host',
    '--privileged',
    'UPPER/case',
    'x'.repeat(300),
    'python:3.12 --privileged',
    'python@sha256:zz',
  ])('image reference injection %j', async (image) => {
    await expectNothingCreated(post({ image }), 400, 'INVALID_IMAGE');
  });

  it('refuses prototype-pollution keys at any depth without polluting anything', async () => {
    await expectNothingCreated(
      () =>
        t
          .http()
          .post('/containers')
          .set('Content-Type', 'application/json')
          .send(`{"image":"${TEST_IMAGE}","__proto__":{"admin":true}}`),
      400,
      'FORBIDDEN_KEY',
    );
    await expectNothingCreated(
      () =>
        t
          .http()
          .post('/containers')
          .set('Content-Type', 'application/json')
          .send(`{"image":"${TEST_IMAGE}","env":{"constructor":{"prototype":{"x":1}}}}`),
      400,
      'FORBIDDEN_KEY',
    );
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it('refuses deep nesting, huge bodies and malformed JSON', async () => {
    await expectNothingCreated(
      post(JSON.parse('{"image":"x","env":' + '{"a":'.repeat(60) + '1' + '}'.repeat(61))),
      400,
      'JSON_TOO_DEEP',
    );
    await expectNothingCreated(
      () =>
        t
          .http()
          .post('/containers')
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ image: TEST_IMAGE, env: { A: 'x'.repeat(3 * 1024 * 1024) } })),
      413,
      'PAYLOAD_TOO_LARGE',
    );
    await expectNothingCreated(
      () => t.http().post('/containers').set('Content-Type', 'application/json').send('{"image": "x",'),
      400,
      'INVALID_JSON',
    );
  });
});

describe('reliability: 1,000 wrong passwords', () => {
  it('are throttled with back-off, audited as a few counted auth_error lines, and no credential reaches any log', async () => {
    const service = await spawnService({ AUTH_MAX_FAILURES: '10', AUTH_WINDOW_S: '60', AUTH_BACKOFF_MAX_S: '300' });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 1000; i += 1) {
        const res = await service
          .http()
          .get('/healthz')
          .set('Authorization', basicAuth(USER, `guess-${i}`));
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses[10]).toBe(429);
      // Only a lock that ran out lets one more guess be checked, and each lock doubles (1 s, 2 s, 4 s …):
      // a handful of extra guesses, however long the loop ran, instead of ten a minute.
      expect(statuses.filter((s) => s === 401).length).toBeLessThan(20);
      expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
      // Even the right password is refused while this address and user name are locked: guessing stays slow.
      expect((await service.http().get('/healthz')).status).toBe(429);
      service.child.kill('SIGTERM');
      await service.exited;
      const audit = readFileSync(path.join(service.logDir, 'actions.jsonl'), 'utf8');
      const lines = audit
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      const failures = lines.filter((l) => l.error === 'auth_error' || l.error === 'rate_limited');
      // Collapsed per address and window: the first few in full, the rest as counted entries.
      expect(failures.length).toBeLessThan(20);
      expect(failures.reduce((n, l) => n + (typeof l.count === 'number' ? l.count : 1), 0)).toBe(1001);
      expect(lines.every((l) => l.user === USER)).toBe(true);
      for (const text of [audit, service.output()]) {
        expect(text).not.toContain('guess-');
        expect(text).not.toContain(PASS);
        expect(text).not.toMatch(/Basic [A-Za-z0-9+/=]{8,}/);
      }
    } finally {
      service.child.kill('SIGKILL');
    }
  });
});
