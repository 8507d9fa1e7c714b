import WebSocket from 'ws';
import { createContainer, dockerContainers, startSleepingContainer } from './support/containers';
import { auditLines, startApp, TestApp } from './support/e2e-app';
import { openSse, SseClient } from './support/sse-client';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** TTL, idle auto-stop and keepalive against the real app and the real engine. */
describe('container lifetimes: ttl_s, idle_stop_s, keepalive (real app, real Docker engine)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startApp({ DEFAULT_IDLE_STOP_S: '3600' });
  });
  afterAll(async () => {
    await t.close();
  });

  /** Polls until `probe` holds; the bound is generous, the deadline checks are done by the caller. */
  async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      if (await probe()) return;
      await sleep(250);
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  /** From the listing: a call on /containers/:cuid would itself count as activity and keep it alive. */
  const statusOf = async (cuid: string): Promise<string> => {
    const page = (await t.http().get('/containers').query({ limit: 500 }).expect(200)).body;
    return (page.containers as { cuid: string; status: string }[]).find((c) => c.cuid === cuid)?.status ?? 'gone';
  };

  async function running(): Promise<string> {
    const cuid = await startSleepingContainer(t, { idle_stop_s: 3 });
    return cuid;
  }

  it('shows the lifetime fields, null when unset, and applies the configured default', async () => {
    const res = await t.http().post('/containers').send({ image: 'cm-test-python:bookworm', ttl_s: null }).expect(201);
    expect(res.body).toMatchObject({ ttl_s: null, expires_at: null, idle_stop_s: 3600 });
    expect(Date.parse(res.body.idle_stop_at as string)).toBeGreaterThan(Date.now() + 3_500_000);
    const none = await t
      .http()
      .post('/containers')
      .send({ image: 'cm-test-python:bookworm', idle_stop_s: null })
      .expect(201);
    expect(none.body).toMatchObject({ ttl_s: null, expires_at: null, idle_stop_s: null, idle_stop_at: null });
    const listed = (await t.http().get('/containers').expect(200)).body.containers as Record<string, unknown>[];
    expect(listed.find((c) => c.cuid === none.body.cuid)).toMatchObject({ expires_at: null, idle_stop_at: null });
  });

  it('refuses bad values with INVALID_TTL / INVALID_IDLE_STOP', async () => {
    for (const [field, value, code] of [
      ['ttl_s', 0, 'INVALID_TTL'],
      ['ttl_s', 1.5, 'INVALID_TTL'],
      ['ttl_s', '60', 'INVALID_TTL'],
      ['idle_stop_s', -1, 'INVALID_IDLE_STOP'],
    ] as const) {
      const res = await t
        .http()
        .post('/containers')
        .send({ image: 'cm-test-python:bookworm', [field]: value })
        .expect(400);
      expect(res.body).toMatchObject({ code, details: { field } });
    }
  });

  it('a container with ttl_s: 5 is gone within a few seconds of its deadline, audited as system', async () => {
    const created = await t.http().post('/containers').send({ image: 'cm-test-python:bookworm', ttl_s: 5 }).expect(201);
    const cuid = created.body.cuid as string;
    const events = await openSse(t.baseUrl, `/events?cuid=${cuid}`, t.authHeader);
    const deadline = Date.parse(created.body.expires_at as string);
    expect(deadline - Date.parse(created.body.created_at as string)).toBe(5000);
    await eventually(async () => (await t.http().get(`/containers/${cuid}`)).status === 404, 'the expiry');
    // Not before its deadline, and soon after it.
    expect(Date.now()).toBeGreaterThanOrEqual(deadline);
    expect(Date.now()).toBeLessThan(deadline + 10_000);
    expect(await dockerContainers(cuid)).toEqual([]);
    const entry = (await auditLines(t)).find((l) => l.action === 'container.expire' && l.cuid === cuid);
    expect(entry).toMatchObject({ user: 'system', status: 200, deadline: created.body.expires_at });
    // Clients following /events see the reaper's action and the container going away.
    try {
      const action = await events.waitFor((e) => e.json?.action === 'container.expire');
      expect(action.json).toMatchObject({ type: 'action', cuid, user: 'system', status: 200 });
      await events.waitFor((e) => e.event === 'destroyed');
    } finally {
      events.close();
    }
  });

  it('PATCH sets ttl_s from now, and null removes it', async () => {
    const cuid = await createContainer(t);
    const set = await t.http().patch(`/containers/${cuid}`).send({ ttl_s: 3600 }).expect(200);
    expect(Date.parse(set.body.expires_at as string) - Date.parse(set.body.updated_at as string)).toBe(3_600_000);
    const cleared = await t.http().patch(`/containers/${cuid}`).send({ ttl_s: null }).expect(200);
    expect(cleared.body).toMatchObject({ ttl_s: null, expires_at: null });
  });

  it('idle_stop_s stops a running container nobody uses, but not one with an open terminal', async () => {
    const idle = await running();
    // Filtered by query, not by path: following the events is no activity on the container.
    const events: SseClient = await openSse(t.baseUrl, `/events?cuid=${idle}`, t.authHeader);
    const watched = await running();
    const ws = new WebSocket(`${t.wsUrl}/ws/${watched}`, { headers: { Authorization: t.authHeader } });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    try {
      const watchedDeadline = Date.parse(
        (await t.http().get(`/containers/${watched}`).expect(200)).body.idle_stop_at as string,
      );
      await eventually(async () => (await statusOf(idle)) === 'stopped', 'the idle stop');
      // Well past the deadline the watched one had when its terminal opened.
      while (Date.now() < watchedDeadline + 4000) await sleep(250);
      expect(await statusOf(watched)).toBe('running');
      const entry = (await auditLines(t)).find((l) => l.action === 'container.idle_stop' && l.cuid === idle);
      expect(entry).toMatchObject({ user: 'system', status: 200 });
      const action = await events.waitFor((e) => e.json?.action === 'container.idle_stop');
      expect(action.json).toMatchObject({ type: 'action', cuid: idle, user: 'system', status: 200 });
      expect((await events.waitFor((e) => e.event === 'died')).json).toMatchObject({ cuid: idle });
    } finally {
      ws.close();
      events.close();
    }
    // Once the terminal is closed, it is idle like any other.
    await eventually(async () => (await statusOf(watched)) === 'stopped', 'the idle stop after the terminal closed');
  });

  it('keepalive pushes idle_stop_at forward', async () => {
    const cuid = await createContainer(t, { idle_stop_s: 600 });
    const before = Date.parse((await t.http().get(`/containers/${cuid}`).expect(200)).body.idle_stop_at as string);
    await sleep(50);
    const res = await t.http().post(`/containers/${cuid}/keepalive`).expect(200);
    expect(res.headers.etag).toBeDefined();
    expect(Date.parse(res.body.idle_stop_at as string)).toBeGreaterThan(before);
  });
});
