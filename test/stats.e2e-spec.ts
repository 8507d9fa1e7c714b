import { StatsCollector } from '../src/stats/stats-collector';
import { createContainer, writeBootPy } from './support/containers';
import { startApp, TestApp } from './support/e2e-app';
import { openSse } from './support/sse-client';

const BUSY_BOOT = 'while True:\n    pass\n';

describe('stats (real app, real Docker engine)', () => {
  let t: TestApp;
  let busy: string;

  beforeAll(async () => {
    t = await startApp();
    busy = await createContainer(t, { resources: { cpus: 0.5 } });
    writeBootPy(t, busy, BUSY_BOOT);
    await t.http().post(`/containers/${busy}/start`).expect(200);
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /containers/:cuid/stats: a busy container shows CPU above 0, against its limit and the host', async () => {
    // boot.py's loop starts a moment after the container: sample until it shows, as a client would.
    let res = await t.http().get(`/containers/${busy}/stats`).expect(200);
    for (let i = 0; i < 20 && !(res.body.cpu?.percent_of_limit > 1); i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      res = await t.http().get(`/containers/${busy}/stats`).expect(200);
    }
    expect(res.body).toEqual({
      cuid: busy,
      sampled_at: expect.any(String),
      cpu: { percent_of_limit: expect.any(Number), percent_of_host: expect.any(Number), limit_cpus: 0.5 },
      memory: { usage_bytes: expect.any(Number), limit_bytes: expect.any(Number), percent: expect.any(Number) },
      pids: expect.any(Number),
      network: { rx_bytes: expect.any(Number), tx_bytes: expect.any(Number) },
      block_io: { read_bytes: expect.any(Number), write_bytes: expect.any(Number) },
    });
    expect(res.body.cpu.percent_of_limit).toBeGreaterThan(0);
    expect(res.body.cpu.percent_of_host).toBeGreaterThan(0);
    expect(res.body.cpu.percent_of_limit).toBeGreaterThan(res.body.cpu.percent_of_host);
    expect(res.body.memory.usage_bytes).toBeGreaterThan(0);
    expect(res.body.pids).toBeGreaterThanOrEqual(1);
  });

  it('GET /stats lists every running container; ?stream=true sends a `stats` event a second from one collector', async () => {
    const all = await t.http().get('/stats').expect(200);
    expect(all.body.containers.map((c: { cuid: string }) => c.cuid)).toEqual([busy]);

    const collector = t.app.get(StatsCollector);
    const a = await openSse(t.baseUrl, '/stats?stream=true', t.authHeader);
    const b = await openSse(t.baseUrl, `/containers/${busy}/stats?stream=true`, t.authHeader);
    await a.waitFor((_e) => a.events.filter((e) => e.event === 'stats').length >= 2);
    await b.waitFor((_e) => b.events.filter((e) => e.event === 'stats').length >= 2);
    expect(b.events.find((e) => e.event === 'stats')!.json).toMatchObject({ cuid: busy });
    expect(collector.running).toBe(true);
    a.close();
    b.close();
    // Nobody listens any more: the collector stops after its short linger.
    for (let i = 0; i < 100 && collector.running; i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(collector.running).toBe(false);
  });

  it('422 CONTAINER_NOT_RUNNING for a stopped container, 404 for an unknown one', async () => {
    const idle = await createContainer(t);
    const res = await t.http().get(`/containers/${idle}/stats`).expect(422);
    expect(res.body).toMatchObject({ error: 'state_error', code: 'CONTAINER_NOT_RUNNING' });
    await t.http().get('/containers/c00000000-0000-4000-8000-000000000000/stats?stream=true').expect(404);
  });
});
