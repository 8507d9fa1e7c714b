import type { NestExpressApplication } from '@nestjs/platform-express';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';

const run = promisify(execFile);

export const TEST_IMAGE = process.env.TEST_IMAGE ?? 'cm-test-python:bookworm';
export const USER = 'admin';
export const PASS = 'e2e-pass:with-colon';

export const basicAuth = (user: string, pass: string): string =>
  `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

export interface TestApp {
  app: NestExpressApplication;
  baseUrl: string;
  wsUrl: string;
  authHeader: string;
  projectsDir: string;
  logDir: string;
  root: string;
  http: () => request.Agent;
  /** Stops the app but keeps its directories and containers (to boot another instance on them). */
  stop: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * Boots the real AppModule exactly as main.ts does (configureApp), on a random port, with its own
 * compose-projects and logs directories. Env must be set before the module graph is imported,
 * because ConfigModule validates the environment when AppModule is loaded.
 */
export async function startApp(env: Record<string, string> = {}, options: { root?: string } = {}): Promise<TestApp> {
  const root = options.root ?? mkdtempSync(path.join(tmpdir(), 'cm-e2e-'));
  const projectsDir = path.join(root, 'compose-projects');
  const logDir = path.join(root, 'logs');
  Object.assign(process.env, {
    ENV_FILE: path.join(root, 'no.env'),
    APP_USER: USER,
    APP_PASS: PASS,
    NODE_ENV: 'test',
    COMPOSE_PROJECTS_DIR: projectsDir,
    LOG_DIR: logDir,
    DEFAULT_USER_UID: '1000:1000',
    ...env,
  });
  const { NestFactory } = await import('@nestjs/core');
  const { AppModule } = await import('../../src/app.module');
  const { configureApp } = await import('../../src/configure-app');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, logger: ['error'] });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const authHeader = basicAuth(USER, PASS);
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    baseUrl,
    wsUrl: `ws://127.0.0.1:${port}`,
    authHeader,
    projectsDir,
    logDir,
    root,
    http: () => request.agent(app.getHttpServer()).set('Authorization', authHeader),
    stop: () => app.close(),
    close: async () => {
      await app.close();
      await removeProjects(projectsDir);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Removes every compose project a test left behind, so no container outlives its test file. */
export async function removeProjects(projectsDir: string): Promise<void> {
  let names: string[] = [];
  try {
    names = readdirSync(projectsDir).filter((n) => n.startsWith('c'));
  } catch {
    return;
  }
  await Promise.all(
    names.map((cuid) =>
      run('docker', ['compose', '-p', cuid, 'down', '--remove-orphans', '-t', '0'], { timeout: 60_000 }).catch(
        () => undefined,
      ),
    ),
  );
}

/** Reads the audit log after the writer has flushed. */
export async function auditLines(t: TestApp): Promise<Record<string, unknown>[]> {
  const { AuditLog } = await import('../../src/audit/audit-log');
  const log = t.app.get(AuditLog);
  await log.flush();
  const { readFileSync } = await import('node:fs');
  return readFileSync(log.filePath, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}
