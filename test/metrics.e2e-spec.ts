import * as http from 'node:http';
import { createServer } from 'node:net';
import { createContainer } from './support/containers';
import { startApp, TestApp } from './support/e2e-app';
import { parsePrometheusText, valueOf } from './support/prom-text';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('GET /metrics (real app, real Docker engine)', () => {
  let t: TestApp;
  let publicPort: number;

  beforeAll(async () => {
    publicPort = await freePort();
    t = await startApp({ METRICS_PUBLIC_BIND: `127.0.0.1:${publicPort}` });
  });
  afterAll(async () => {
    await t.close();
  });

  const scrape = async () => {
    const res = await t.http().get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain;/);
    expect(res.headers['content-type']).toContain('version=0.0.4');
    return parsePrometheusText(res.text);
  };

  it('parses strictly and its counters move with the work done', async () => {
    const before = await scrape();
    expect(before.get('cm_http_requests_total')?.type).toBe('counter');
    expect(before.get('cm_http_request_duration_seconds')?.type).toBe('histogram');

    const cuid = await createContainer(t);
    await t.http().get(`/containers/${cuid}`).expect(200);
    await t.http().get('/containers/c00000000-0000-4000-8000-000000000000').expect(404);
    await t.http().get('/metrics').set('Authorization', 'Basic d3Jvbmc6d3Jvbmc=').expect(401);

    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}): number =>
      valueOf(after, name, labels) - valueOf(before, name, labels);
    expect(delta('cm_http_requests_total', { method: 'POST', route: '/containers', status: '201' })).toBe(1);
    expect(delta('cm_http_requests_total', { method: 'GET', route: '/containers/:cuid', status: '200' })).toBe(1);
    expect(delta('cm_http_requests_total', { method: 'GET', route: '/containers/:cuid', status: '404' })).toBe(1);
    expect(delta('cm_http_request_duration_seconds_count', { route: '/containers', status: '201' })).toBe(1);
    expect(delta('cm_compose_calls_total', { subcommand: 'compose create', exit_code: '0' })).toBe(1);
    expect(delta('cm_compose_call_duration_seconds_count', { subcommand: 'compose create' })).toBe(1);
    expect(delta('cm_auth_failures_total')).toBe(1);
    expect(valueOf(after, 'cm_containers', { status: 'created' })).toBeGreaterThanOrEqual(1);
    expect(after.has('cm_audit_queue_depth')).toBe(true);
    expect(after.has('cm_audit_write_lag_seconds')).toBe(true);
    expect(after.has('cm_terminal_sessions_open')).toBe(true);
    expect(after.has('process_cpu_seconds_total')).toBe(true);
    // Labels never carry a container id.
    expect(JSON.stringify([...after.values()])).not.toContain(cuid);
  });

  it('needs Basic auth on the API port; METRICS_PUBLIC_BIND serves it without auth, and nothing else', async () => {
    const res = await t.http().get('/metrics').set('Authorization', '').expect(401);
    expect(res.body.code).toBeDefined();
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        http
          .get(`http://127.0.0.1:${publicPort}${path}`, (r) => {
            let body = '';
            r.on('data', (c: Buffer) => (body += c.toString()));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, body }));
          })
          .on('error', reject);
      });
    const open = await get('/metrics');
    expect(open.status).toBe(200);
    expect(parsePrometheusText(open.body).has('cm_http_requests_total')).toBe(true);
    expect((await get('/containers')).status).toBe(404);
  });
});
