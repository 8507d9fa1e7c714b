import { execFile } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TEST_IMAGE, TestApp } from './e2e-app';

const run = promisify(execFile);

export async function createContainer(t: TestApp, body: Record<string, unknown> = {}): Promise<string> {
  const res = await t
    .http()
    .post('/containers')
    .send({ image: TEST_IMAGE, ...body });
  if (res.status !== 201) throw new Error(`create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.cuid as string;
}

/** Puts a boot.py straight into the mount, as the container user would own it. */
export function writeBootPy(t: TestApp, cuid: string, code: string): void {
  const file = path.join(t.projectsDir, cuid, 'app', 'boot.py');
  writeFileSync(file, code);
  chownSync(file, 1000, 1000);
}

export const SLEEPING_BOOT = 'import time\nprint("booted", flush=True)\ntime.sleep(100000)\n';

/** A container created with `body`, its boot.py sleeping, started through the API (200 expected). */
export async function startSleepingContainer(t: TestApp, body: Record<string, unknown> = {}): Promise<string> {
  const cuid = await createContainer(t, body);
  writeBootPy(t, cuid, SLEEPING_BOOT);
  const res = await t.http().post(`/containers/${cuid}/start`);
  if (res.status !== 200) throw new Error(`start failed: ${res.status} ${JSON.stringify(res.body)}`);
  return cuid;
}

/** The `docker compose` argv that addresses a container's project, as an operator would type it. */
export function composeArgv(projectsDir: string, cuid: string): string[] {
  const dir = path.join(projectsDir, cuid);
  return ['compose', '-p', cuid, '-f', path.join(dir, 'compose.yaml'), '--project-directory', dir];
}

/** Runs a command in the container through compose, as an operator would. */
export async function execIn(t: TestApp, cuid: string, argv: string[]): Promise<string> {
  const { stdout } = await run('docker', [...composeArgv(t.projectsDir, cuid), 'exec', '-T', 'app', ...argv], {
    timeout: 60_000,
  });
  return stdout;
}

/** Docker's own view of a project's containers: [name, state] pairs. */
export async function dockerContainers(cuid: string): Promise<string[][]> {
  const { stdout } = await run('docker', [
    'ps',
    '-a',
    '--filter',
    `label=com.docker.compose.project=${cuid}`,
    '--format',
    '{{.Names}} {{.State}}',
  ]);
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split(' '));
}

/** Every Docker container this app instance labelled as its own. */
export async function managedContainerIds(t: TestApp): Promise<string[]> {
  const { stdout } = await run('docker', ['ps', '-aq', '--filter', `label=io.container-manager.root=${t.projectsDir}`]);
  return stdout.split('\n').filter((l) => l.trim() !== '');
}
