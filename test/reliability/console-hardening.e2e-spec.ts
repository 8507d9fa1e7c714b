import request from 'supertest';
import { startApp, type TestApp } from '../support/e2e-app';

/**
 * The console is served by the API's own process, so it must neither weaken the API (shadow a
 * route, answer an unknown path without credentials, read arbitrary files) nor be frameable or
 * able to run injected inline script.
 */
describe('console serving hardening', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp();
  });

  afterAll(async () => {
    await t.close();
  });

  const anonymous = () => request(t.app.getHttpServer());

  it('asks for the Basic credentials before showing the console', async () => {
    const res = await anonymous().get('/');
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    expect(res.body.code).toBe('AUTH_REQUIRED');
    expect(res.text).not.toContain('<html');
    expect((await anonymous().get('/console/app.js')).status).toBe(401);
  });

  it('serves the page with a CSP that forbids inline script and framing, and nosniff', async () => {
    const res = await t.http().get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(res.headers['content-security-policy']);
    const directive = (name: string) =>
      csp
        .split(';')
        .map((d) => d.trim())
        .find((d) => d.startsWith(`${name} `));
    expect(directive('script-src')).toBe("script-src 'self'");
    expect(directive('default-src')).toBe("default-src 'none'");
    expect(directive('frame-ancestors')).toBe("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('DENY');
    // Every script of the page is a file of this host: nothing inline that the CSP would have to allow.
    const scripts = [...res.text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attrs, body] of scripts) {
      expect(attrs).toMatch(/src="\/console\/[\w.-]+\.js"/);
      expect(body!.trim()).toBe('');
    }
    expect(res.text).not.toMatch(/https?:\/\//); // nothing from a CDN
  });

  it('serves the hashed assets with their types, nosniff and a long cache', async () => {
    const page = await t.http().get('/');
    for (const [, src] of page.text.matchAll(/(?:src|href)="(\/console\/[\w.-]+)"/g)) {
      const res = await t.http().get(src!);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/(javascript|css)/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['cache-control']).toContain('immutable');
    }
  });

  it('serves only the built files: no traversal, no second copy of the page', async () => {
    for (const path of [
      '/console/..%2Fpackage.json',
      '/console/%2e%2e%2f%2e%2e%2fpackage.json',
      '/console/index.html',
      '/console/nope.js',
      '/console/',
      '/console/a/b.js',
    ]) {
      const res = await t.http().get(path);
      expect({ path, status: res.status, code: res.body.code }).toEqual({ path, status: 404, code: 'ROUTE_NOT_FOUND' });
    }
  });

  it('leaves the API routes and the unknown-route answers as they were', async () => {
    const unknown = await anonymous().get('/no-such-route');
    expect(unknown.status).toBe(401);
    const known = await t.http().get('/no-such-route');
    expect(known.status).toBe(404);
    expect(known.body.code).toBe('ROUTE_NOT_FOUND');
    const list = await t.http().get('/containers');
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ containers: expect.any(Array), next_cursor: null });
    const post = await t.http().post('/').set('Content-Type', 'application/json').send('{}');
    expect(post.status).toBe(404);
    expect(post.body.code).toBe('ROUTE_NOT_FOUND');
    expect((await t.http().get('/healthz')).headers['content-security-policy']).toBeUndefined();
  });
});
