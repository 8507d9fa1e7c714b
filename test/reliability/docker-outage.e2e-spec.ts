import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { startSleepingContainer } from '../support/containers';
import { DockerProxy } from '../support/docker-proxy';
import { startApp, TEST_IMAGE, TestApp } from '../support/e2e-app';

/**
 * The engine goes away under a running service: requests fail fast with 503 `unavailable`, nothing
 * half-made is left, and when the engine is back the state cache re-syncs without a restart.
 */
describe('reliability: Docker engine unreachable, then back', () => {
  let t: TestApp;
  let proxy: DockerProxy;
  const realDockerHost = process.env.DOCKER_HOST;

  beforeAll(async () => {
    proxy = new DockerProxy(path.join('/tmp', `cm-docker-proxy-${process.pid}.sock`));
    await proxy.up();
    t = await startApp({ DOCKER_HOST: proxy.dockerHost });
    // Test helpers talk to the real engine directly.
    if (realDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = realDockerHost;
  });
  afterAll(async () => {
    await proxy.up();
    await t.close();
    await proxy.down();
  });

  it('fails fast with 503, leaves nothing behind, and re-syncs when the engine returns', async () => {
    const cuid = await startSleepingContainer(t);

    await proxy.down();
    const started = Date.now();
    const health = await t.http().get('/healthz');
    expect(health.status).toBe(503);
    expect(health.body).toMatchObject({ error: 'unavailable', code: 'DOCKER_UNAVAILABLE', status: 503 });
    // Wait until the cache noticed the broken events stream, then every Docker-backed route is 503.
    for (let i = 0; i < 50; i += 1) {
      if ((await t.http().get('/containers')).status === 503) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const list = await t.http().get('/containers');
    expect(list.status).toBe(503);
    expect(list.body.code).toBe('DOCKER_UNAVAILABLE');
    const before = readdirSync(t.projectsDir);
    const create = await t.http().post('/containers').send({ image: TEST_IMAGE });
    expect(create.status).toBe(503);
    expect(readdirSync(t.projectsDir)).toEqual(before);
    const stop = await t.http().post(`/containers/${cuid}/stop`);
    expect(stop.status).toBe(503);
    expect(Date.now() - started).toBeLessThan(30_000);

    await proxy.up();
    let status = 0;
    for (let i = 0; i < 100 && status !== 200; i += 1) {
      status = (await t.http().get('/containers')).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    const listed = await t.http().get(`/containers/${cuid}`).expect(200);
    expect(listed.body.status).toBe('running');
    // Events flow again: a change made behind the service's back shows up in the cache.
    await t.http().post(`/containers/${cuid}/stop?timeout=1`).expect(200);
    expect((await t.http().get(`/containers/${cuid}`)).body.status).toBe('stopped');
  });
});
