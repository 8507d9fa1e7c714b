import { execFile } from 'node:child_process';
import { chownSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';
import { createContainer, execIn, SLEEPING_BOOT, startSleepingContainer, writeBootPy } from '../support/containers';
import { startApp, TestApp } from '../support/e2e-app';

const run = promisify(execFile);

async function networkId(name: string): Promise<string> {
  return (await run('docker', ['network', 'inspect', '-f', '{{.Id}}', name])).stdout.trim();
}

async function waitForStatus(t: TestApp, cuid: string, want: string): Promise<Record<string, unknown>> {
  let body: Record<string, unknown> = {};
  for (let i = 0; i < 150 && body.status !== want; i += 1) {
    body = (await t.http().get(`/containers/${cuid}/status`)).body;
    if (body.status !== want) await new Promise((r) => setTimeout(r, 200));
  }
  return body;
}

/** What a managed container may and may not do, checked from inside real containers. */
describe('reliability: hardened containers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp();
  });
  afterAll(async () => {
    await t.close();
  });

  it('runs as DEFAULT_USER_UID with no new privileges and no effective capabilities', async () => {
    const cuid = await startSleepingContainer(t);
    expect((await execIn(t, cuid, ['id', '-u'])).trim()).toBe('1000');
    expect((await execIn(t, cuid, ['id', '-g'])).trim()).toBe('1000');
    const status = await execIn(t, cuid, ['cat', '/proc/self/status']);
    expect(status).toMatch(/NoNewPrivs:\s+1/);
    expect(status).toMatch(/CapEff:\s+0000000000000000/);
    expect(status).toMatch(/CapBnd:\s+0000000000000000/);
    const inspect = JSON.parse((await run('docker', ['inspect', `${cuid}-app-1`])).stdout)[0];
    expect(inspect.HostConfig).toMatchObject({
      Privileged: false,
      // The one shared network with inter-container traffic disabled, never the host's.
      NetworkMode: await networkId('container-manager'),
      PidMode: '',
      IpcMode: expect.not.stringMatching(/^host$/),
    });
    expect(inspect.HostConfig.Devices ?? []).toEqual([]);
    expect(inspect.Mounts.map((m: { Destination: string }) => m.Destination)).toEqual(['/app']);
  });

  it('the pids limit stops a fork bomb', async () => {
    const cuid = await createContainer(t, { resources: { pids: 40 } });
    writeBootPy(
      t,
      cuid,
      [
        'import os, time',
        'n = 0',
        'try:',
        '    for _ in range(500):',
        '        if os.fork() == 0:',
        '            time.sleep(60)',
        '            os._exit(0)',
        '        n += 1',
        '    print("UNLIMITED", n, flush=True)',
        'except OSError as e:',
        '    print("LIMITED", n, flush=True)',
        'time.sleep(60)',
      ].join('\n'),
    );
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    let logs = '';
    for (let i = 0; i < 100 && !/LIMITED|UNLIMITED/.test(logs); i += 1) {
      logs = (await run('docker', ['logs', `${cuid}-app-1`])).stdout;
      await new Promise((r) => setTimeout(r, 200));
    }
    const match = /(UN)?LIMITED (\d+)/.exec(logs);
    expect(match?.[1]).toBeUndefined();
    expect(Number(match?.[2])).toBeLessThan(40);
  });

  it('the memory limit ends a memory hog and the service reports oom_killed', async () => {
    const cuid = await createContainer(t, {
      resources: { memory: '32m' },
      command: ['python', '-c', 'x = bytearray(512 * 1024 * 1024); print(len(x))'],
    });
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    // The engine may report the OOM a moment after the exit (its `oom` event can follow `die`).
    let status = await waitForStatus(t, cuid, 'stopped');
    for (let i = 0; i < 25 && status.oom_killed !== true; i += 1) {
      await new Promise((r) => setTimeout(r, 200));
      status = (await t.http().get(`/containers/${cuid}/status`)).body;
    }
    expect(status).toMatchObject({ status: 'stopped', oom_killed: true, exit_code: 137 });
  });

  it('an uploaded .env or compose.override.yaml in /app changes nothing about the project', async () => {
    const cuid = await createContainer(t, { env: { MODE: 'safe' } });
    const app = path.join(t.projectsDir, cuid, 'app');
    const planted: [string, string][] = [
      ['.env', 'MODE=pwned\nCOMPOSE_PROJECT_NAME=evil\n'],
      [
        'compose.override.yaml',
        'services:\n  app:\n    privileged: true\n    network_mode: host\n    volumes: ["/:/host"]\n',
      ],
      ['docker-compose.override.yml', 'services:\n  app:\n    privileged: true\n'],
    ];
    for (const [name, text] of planted) {
      writeFileSync(path.join(app, name), text);
      chownSync(path.join(app, name), 1000, 1000);
    }
    writeBootPy(t, cuid, SLEEPING_BOOT);
    await t.http().post(`/containers/${cuid}/start`).expect(200);
    expect((await execIn(t, cuid, ['sh', '-c', 'echo $MODE'])).trim()).toBe('safe');
    const inspect = JSON.parse((await run('docker', ['inspect', `${cuid}-app-1`])).stdout)[0];
    expect(inspect.HostConfig.Privileged).toBe(false);
    expect(inspect.HostConfig.NetworkMode).toBe(await networkId('container-manager'));
    expect(inspect.Mounts).toHaveLength(1);
    expect(inspect.Config.Labels['com.docker.compose.project']).toBe(cuid);
    const compose = parse(readFileSync(path.join(t.projectsDir, cuid, 'compose.yaml'), 'utf8'));
    expect(compose.services.app.privileged).toBeUndefined();
  });
});
