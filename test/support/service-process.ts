import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { PASS, removeProjects, USER } from './e2e-app';

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  root: string;
  projectsDir: string;
  logDir: string;
  http: () => request.Agent;
  output: () => string;
  /** stdout alone (output() interleaves both streams). */
  stdout: () => string;
  /** Resolves with the exit code / signal once the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Runs the built service (dist/main.js) as a separate process, as production does, so tests can
 * SIGKILL or SIGTERM it. Reuses `root` to boot a second instance on the first one's directories.
 */
export interface SpawnOptions {
  /** Its own process group (so a test can SIGKILL the group, as a supervisor would). */
  detached?: boolean;
  /** Listen on this port (a restarted instance keeps its clients' address). */
  port?: number;
  /** Node options before the script (`--cpu-prof` is not allowed in NODE_OPTIONS). */
  nodeArgs?: string[];
}

export async function spawnService(
  env: Record<string, string> = {},
  root?: string,
  options: SpawnOptions = {},
): Promise<ServiceProcess> {
  const dir = root ?? mkdtempSync(path.join(tmpdir(), 'cm-proc-'));
  const port = options.port ?? (await freePort());
  const projectsDir = path.join(dir, 'compose-projects');
  const logDir = path.join(dir, 'logs');
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), path.resolve(__dirname, '../../dist/main.js')], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
      ENV_FILE: path.join(dir, 'no.env'),
      APP_USER: USER,
      APP_PASS: PASS,
      NODE_ENV: 'test',
      HOST: '127.0.0.1',
      PORT: String(port),
      COMPOSE_PROJECTS_DIR: projectsDir,
      LOG_DIR: logDir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  const authHeader = `Basic ${Buffer.from(`${USER}:${PASS}`).toString('base64')}`;
  const service: ServiceProcess = {
    child,
    port,
    baseUrl,
    root: dir,
    projectsDir,
    logDir,
    http: () => request.agent(baseUrl).set('Authorization', authHeader),
    output: () => output,
    stdout: () => stdout,
    exited,
  };
  for (let i = 0; i < 200; i += 1) {
    if (child.exitCode !== null) throw new Error(`service exited during boot:\n${output}`);
    const ok = await service
      .http()
      .get('/healthz')
      .then((r) => r.status === 200)
      .catch(() => false);
    if (ok) return service;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`service did not become healthy:\n${output}`);
}

/** The end of a suite that owns a service process: kill it, remove its containers and its directories. */
export async function stopService(service: ServiceProcess): Promise<void> {
  service.child.kill('SIGKILL');
  await service.exited;
  await removeProjects(path.join(service.root, 'compose-projects'));
  rmSync(service.root, { recursive: true, force: true });
}
