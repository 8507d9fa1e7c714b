import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { EventHub } from '../src/events/event-hub';
import { createContainer, startSleepingContainer } from './support/containers';
import { startApp, TestApp } from './support/e2e-app';
import { openSse, SseClient } from './support/sse-client';

const run = promisify(execFile);

describe('GET /events (real app, real Docker engine)', () => {
  let t: TestApp;
  let cuid: string;
  const clients: SseClient[] = [];
  const open = async (path: string, headers: Record<string, string> = {}): Promise<SseClient> => {
    const client = await openSse(t.baseUrl, path, t.authHeader, headers);
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startApp({ EVENTS_RING_SIZE: '40' });
    cuid = await startSleepingContainer(t);
  });
  afterEach(() => clients.splice(0).forEach((c) => c.close()));
  afterAll(async () => {
    await t.close();
  });

  it('reports a container killed from outside as `died` with its exit code', async () => {
    const sse = await open(`/events?cuid=${cuid}`);
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    await run('docker', ['kill', `${cuid}-app-1`]);
    const died = await sse.waitFor((e) => e.event === 'died');
    expect(died.json).toEqual({ id: Number(died.id), type: 'died', time: expect.any(String), cuid, exit_code: 137 });
  });

  it('gives a client that reconnects with Last-Event-ID exactly the events it missed, in order', async () => {
    const watcher = await open('/events');
    const first = await open('/events');
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    await first.waitFor((e) => e.json?.action === 'container.start');
    const lastSeen = first.events[first.events.length - 1]!.id!;
    first.close();

    await t.http().post(`/containers/${cuid}/stop?timeout=0`).expect(200);
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    const after = (e: { id?: string }): boolean => Number(e.id) > Number(lastSeen);
    const died = await watcher.waitFor((e) => after(e) && e.event === 'died');
    const restarted = await watcher.waitFor((e) => e.event === 'started' && Number(e.id) > Number(died.id));
    await watcher.waitFor((e) => after(e) && e.json?.action === 'container.start');
    const upTo = Math.max(...watcher.events.map((e) => Number(e.id)), Number(restarted.id));
    const missed = watcher.events.filter((e) => after(e) && Number(e.id) <= upTo);

    const resumed = await open('/events', { 'Last-Event-ID': lastSeen });
    await resumed.waitFor((e) => Number(e.id) === upTo);
    const got = resumed.events.filter((e) => Number(e.id) <= upTo);
    expect(got.map((e) => [e.id, e.event, e.data])).toEqual(missed.map((e) => [e.id, e.event, e.data]));
    expect(got.map((e) => Number(e.id))).toEqual(got.map((_, i) => Number(lastSeen) + 1 + i));

    const bySince = await open(`/events?since=${lastSeen}&type=action`);
    const actions = missed.filter((e) => e.event === 'action');
    await bySince.waitFor((e) => e.id === actions[actions.length - 1]!.id);
    expect(bySince.events.map((e) => e.id)).toEqual(actions.map((e) => e.id));
  });

  it('sends `reset` (carrying the newest id) when the gap is older than the ring, then goes on live', async () => {
    const hub = t.app.get(EventHub);
    const before = hub.latestId;
    for (let i = 0; i < 50; i += 1)
      hub.publish({ type: 'action', time: new Date().toISOString(), cuid: null, action: `test.${i}` });
    const sse = await open('/events', { 'Last-Event-ID': String(before) });
    const reset = await sse.waitFor((e) => e.event === 'reset');
    expect(sse.events[0]).toBe(reset);
    expect(reset.id).toBe(String(hub.latestId));
    expect(reset.json).toMatchObject({ reason: 'events_lost', last_event_id: String(before) });
    hub.publish({ type: 'action', time: new Date().toISOString(), cuid: null, action: 'test.after' });
    const next = await sse.waitFor((e) => e.json?.action === 'test.after');
    expect(Number(next.id)).toBe(Number(reset.id) + 1);

    // An id from before a restart (smaller than any this instance issued) is a gap too, never a replay.
    const old = await open('/events?since=5');
    expect((await old.waitFor(() => true)).event).toBe('reset');
  });

  it('names the created container in the `action` event of its create, as in its audit entry', async () => {
    const actions = await open('/events?type=action');
    const res = await t.http().post('/containers').send({ image: 'cm-test-python:bookworm' }).expect(201);
    const created = await actions.waitFor(
      (e) => e.json?.action === 'container.create' && e.json.request_id === res.headers['x-request-id'],
    );
    expect(created.json).toMatchObject({ cuid: res.body.cuid, status: 201 });
    const audit = await t.http().get('/audit').query({ action: 'container.create', cuid: res.body.cuid }).expect(200);
    expect(audit.body.entries).toEqual([expect.objectContaining({ cuid: res.body.cuid, status: 201 })]);
    await t.http().delete(`/containers/${res.body.cuid}`).expect(200);
  });

  it('filters by type and by cuid', async () => {
    const other = await createContainer(t);
    const onlyOther = await open(`/events?cuid=${other}`);
    const onlyDestroyed = await open('/events?type=destroyed');
    await t.http().delete(`/containers/${other}`).expect(200);
    await onlyDestroyed.waitFor((e) => e.json?.cuid === other);
    await onlyOther.waitFor((e) => e.event === 'action' && e.json.action === 'container.delete');
    expect(onlyDestroyed.events.every((e) => e.event === 'destroyed')).toBe(true);
    expect(onlyOther.events.every((e) => e.json.cuid === other)).toBe(true);
  });

  it('refuses an unknown type with 400 INVALID_EVENT_TYPE, and a missing credential with 401', async () => {
    const res = await t.http().get('/events?type=exploded').expect(400);
    expect(res.body).toMatchObject({ error: 'validation_error', code: 'INVALID_EVENT_TYPE' });
    const anon = await openSse(t.baseUrl, '/events', '');
    expect(anon.status).toBe(401);
    anon.close();
  });
});
