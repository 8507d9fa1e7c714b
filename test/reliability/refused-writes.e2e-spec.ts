import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createContainer, SLEEPING_BOOT, writeBootPy } from '../support/containers';
import { DockerProxy } from '../support/docker-proxy';
import { startApp, TEST_IMAGE, TestApp } from '../support/e2e-app';
import { buildZip } from '../support/zip-fixtures';

const run = promisify(execFile);
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Issue 18: a write answered with an error must not have happened. With the engine unreachable,
 * PATCH, PATCH ports and create answer 503 and leave every spec byte for byte as it was (a PATCH
 * used to save the new spec before asking the engine for the state); the running container is not
 * recreated; and files, which need no engine, still upload.
 */
describe('reliability: a write refused during an engine outage changed nothing', () => {
  let t: TestApp;
  let proxy: DockerProxy;
  const realDockerHost = process.env.DOCKER_HOST;

  beforeAll(async () => {
    proxy = new DockerProxy(path.join('/tmp', `cm-refused-proxy-${process.pid}.sock`));
    await proxy.up();
    t = await startApp({ DOCKER_HOST: proxy.dockerHost });
    if (realDockerHost === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = realDockerHost;
  });
  afterAll(async () => {
    await proxy.up();
    await t.close();
    await proxy.down();
  });

  const composeFile = (cuid: string): string => readFileSync(path.join(t.projectsDir, cuid, 'compose.yaml'), 'utf8');

  async function untilStatus(route: string, wanted: number): Promise<void> {
    for (let i = 0; i < 100; i += 1) {
      if ((await t.http().get(route)).status === wanted) return;
      await sleep(100);
    }
    throw new Error(`${route} never answered ${wanted}`);
  }

  it('PATCH, PATCH ports and create answered 503 left specs, containers and directories unchanged', async () => {
    const stopped = await createContainer(t, { env: { A: '1' }, tags: ['before'] });
    const running = await createContainer(t, { env: { A: '1' }, tags: ['before'] });
    writeBootPy(t, running, SLEEPING_BOOT);
    await t.http().post(`/containers/${running}/start`).expect(200);
    const { stdout: runningId } = await run('docker', ['inspect', '-f', '{{.Id}}', `${running}-app-1`]);
    const files = { [stopped]: composeFile(stopped), [running]: composeFile(running) };
    const dirs = readdirSync(t.projectsDir).sort();

    await proxy.down();
    await untilStatus('/containers', 503);
    for (const cuid of [stopped, running]) {
      const patch = await t
        .http()
        .patch(`/containers/${cuid}`)
        .send({ env: { A: '2', B: 'x' }, tags: ['after'] });
      expect(patch.status).toBe(503);
      expect(patch.body).toMatchObject({ error: 'unavailable', code: 'DOCKER_UNAVAILABLE', status: 503 });
      const ports = await t
        .http()
        .patch(`/containers/${cuid}/ports`)
        .send({ ports: [{ host: 43918, container: 80 }] });
      expect(ports.status).toBe(503);
      expect(composeFile(cuid)).toBe(files[cuid]);
    }
    const create = await t
      .http()
      .post('/containers')
      .send({ image: TEST_IMAGE, env: { A: '1' } });
    expect(create.status).toBe(503);
    expect(readdirSync(t.projectsDir).sort()).toEqual(dirs);
    // Files need no engine: an upload during the outage is applied and says so.
    const zip = buildZip([{ name: 'during-outage.txt', data: 'kept' }]);
    await t
      .http()
      .post(`/containers/${stopped}/upload-zip`)
      .set('Content-Type', 'application/zip')
      .send(zip)
      .expect(200);

    await proxy.up();
    await untilStatus('/containers', 200);
    for (const cuid of [stopped, running]) {
      const got = await t.http().get(`/containers/${cuid}`).expect(200);
      expect(got.body).toMatchObject({ env: { A: '1' }, tags: ['before'], ports: [] });
      expect(got.body.env.B).toBeUndefined();
    }
    expect((await t.http().get(`/containers/${running}`)).body.status).toBe('running');
    // Not recreated behind the client's back: the same Docker container, with the old environment.
    const { stdout: env } = await run('docker', ['inspect', '-f', '{{json .Config.Env}}', `${running}-app-1`]);
    expect((await run('docker', ['inspect', '-f', '{{.Id}}', `${running}-app-1`])).stdout).toBe(runningId);
    expect(JSON.parse(env)).toContain('A=1');
    const download = await t.http().get(`/containers/${stopped}/download`).query({ path: 'during-outage.txt' });
    expect(download.status).toBe(200);
    expect(download.text ?? download.body.toString()).toBe('kept');
  });
});
