import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import request from 'supertest';
import { auditLines, basicAuth, startApp, TestApp } from '../support/e2e-app';
import { createContainer, SLEEPING_BOOT, writeBootPy } from '../support/containers';

const run = promisify(execFile);

/**
 * The listing is answered from memoised pages and a remembered credential: attack the memo. Every
 * change, by the API or behind its back, shows in the very next listing (or within the events
 * stream's latency), a remembered header never lets another in, and every request is audited.
 */
describe('reliability: the memoised listing is never stale and never a way in', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(() => t.close());

  const listed = async (cuid: string): Promise<Record<string, any> | undefined> =>
    ((await t.http().get('/containers?limit=500').expect(200)).body.containers as Record<string, any>[]).find(
      (c) => c.cuid === cuid,
    );

  it('shows every change in the next listing: status, spec, last use, deletion', async () => {
    const cuid = await createContainer(t, { idle_stop_s: 3600, tags: ['a'] });
    writeBootPy(t, cuid, SLEEPING_BOOT);
    const first = await listed(cuid);
    expect(first).toMatchObject({ status: 'created', tags: ['a'] });
    // Same listing twice in a row: the same bytes (the memo), still right.
    expect(await listed(cuid)).toEqual(first);

    const started = await t.http().post(`/containers/${cuid}/start`).expect(200);
    expect(started.body.status).toBe('running');
    expect((await listed(cuid))?.status).toBe('running');

    await t.http().patch(`/containers/${cuid}`).send({ tags: ['b'] }).expect(200);
    expect((await listed(cuid))?.tags).toEqual(['b']);

    // A call on the container is activity: its idle deadline moves in the listing too.
    const before = (await listed(cuid))?.idle_stop_at as string;
    await new Promise((r) => setTimeout(r, 20));
    await t.http().get(`/containers/${cuid}`).expect(200);
    expect(Date.parse((await listed(cuid))?.idle_stop_at as string)).toBeGreaterThan(Date.parse(before));

    // Behind the API's back: the events stream brings it.
    await run('docker', ['stop', '-t', '1', `${cuid}-app-1`]);
    let status = '';
    for (let i = 0; i < 50 && status !== 'stopped'; i += 1) {
      status = ((await listed(cuid))?.status as string) ?? '';
      if (status !== 'stopped') await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe('stopped');
    const details = await t.http().get(`/containers/${cuid}/status`).expect(200);
    expect(details.body).toMatchObject({ status: 'stopped', pid: null });
    expect(details.body.finished_at).not.toBeNull();

    await t.http().delete(`/containers/${cuid}`).expect(200);
    expect(await listed(cuid)).toBeUndefined();
  });

  it('a remembered header lets in nobody else: a wrong password, another user, the password cut short or extended', async () => {
    await t.http().get('/containers').expect(200);
    const server = t.app.getHttpServer();
    for (const header of [
      basicAuth('admin', 'wrong'),
      basicAuth('someone', 'e2e-pass:with-colon'),
      basicAuth('admin', 'e2e-pass:with-colo'),
      basicAuth('admin', 'e2e-pass:with-colon '),
      basicAuth('admin', ''),
    ]) {
      expect((await request(server).get('/containers').set('Authorization', header)).status).toBe(401);
    }
    await t.http().get('/containers').expect(200);
  });

  it('audits every listing request, memoised or not', async () => {
    const before = (await auditLines(t)).filter((l) => l.action === 'container.list').length;
    await Promise.all(Array.from({ length: 40 }, () => t.http().get('/containers').expect(200)));
    const after = (await auditLines(t)).filter((l) => l.action === 'container.list');
    expect(after.length - before).toBe(40);
    expect(new Set(after.map((l) => l.request_id)).size).toBe(after.length);
  });

  it('sends the memoised page as exact bytes (GET and HEAD) and survives a pipelining client that leaves mid-way', async () => {
    await createContainer(t);
    const got = await t.http().get('/containers').buffer(true).expect(200);
    expect(got.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(Number(got.headers['content-length'])).toBe(Buffer.byteLength(got.text));
    expect(JSON.parse(got.text)).toEqual(got.body);
    const head = await t.http().head('/containers').expect(200);
    expect(head.headers['content-length']).toBe(got.headers['content-length']);
    expect(head.text ?? '').toBe('');

    // 50 requests pipelined on one connection, which is dropped after the first answer arrives.
    const port = Number(new URL(t.baseUrl).port);
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const requests = Array.from(
      { length: 50 },
      (_, i) =>
        `GET /containers HTTP/1.1\r\nHost: x\r\nAuthorization: ${t.authHeader}\r\nX-Request-Id: pipelined-${i}\r\n\r\n`,
    ).join('');
    socket.write(requests);
    await new Promise<void>((resolve) => socket.once('data', () => resolve()));
    socket.destroy();

    await t.http().get('/healthz').expect(200);
    const answered = await t.http().get('/containers').buffer(true).expect(200);
    expect(answered.text).toBe(got.text);
    const lines = async (): Promise<Record<string, unknown>[]> =>
      (await auditLines(t)).filter((l) => String(l.request_id).startsWith('pipelined-'));
    await waitUntil(async () => (await lines()).length > 0);
    const audited = await lines();
    expect(audited[0]).toMatchObject({ request_id: 'pipelined-0', status: 200, action: 'container.list' });
    expect(new Set(audited.map((l) => l.request_id)).size).toBe(audited.length);
    for (const line of audited) expect([200, 499]).toContain(line.status);
  });
});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
