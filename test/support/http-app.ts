import type { ModuleMetadata, Provider, Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import request from 'supertest';
import { basicAuth, PASS, USER } from './e2e-app';

export interface HttpApp {
  app: NestExpressApplication;
  authHeader: string;
  /** An agent with valid credentials; `request(app.getHttpServer())` for one without. */
  http: () => request.Agent;
  close: () => Promise<void>;
}

/** Every method of the real class throws: the HTTP tier must never reach an engine. */
function noEngine(real: Type): object {
  return new Proxy(
    {},
    {
      get: (_target, name) =>
        typeof name === 'string' && name !== 'constructor' && name in real.prototype
          ? () => {
              throw new Error(`the HTTP tier called the engine (${real.name}.${name})`);
            }
          : undefined,
    },
  );
}

/**
 * A small Nest app for controller specs, in the style of immich's controllerSetup: the real common,
 * audit, auth and idempotency modules and the real Express chain (useHttpPipeline), the given controllers with
 * their services given as fakes, and ProcessRunner/ComposeRunner replaced by a stub that throws.
 * Runs without Docker, in well under a second per app.
 */
export async function startHttpApp(
  controllers: Type[],
  providers: Provider[],
  options: { env?: Record<string, string>; imports?: ModuleMetadata['imports'] } = {},
): Promise<HttpApp> {
  const root = mkdtempSync(path.join(tmpdir(), 'cm-http-'));
  Object.assign(process.env, {
    ENV_FILE: path.join(root, 'no.env'),
    APP_USER: USER,
    APP_PASS: PASS,
    NODE_ENV: 'test',
    COMPOSE_PROJECTS_DIR: path.join(root, 'compose-projects'),
    LOG_DIR: path.join(root, 'logs'),
    DEFAULT_USER_UID: '1000:1000',
    ...options.env,
  });
  // Imported only now: ConfigModule validates the environment when CommonModule is loaded.
  const { CommonModule } = await import('../../src/common/common.module');
  const { AuditModule } = await import('../../src/audit/audit.module');
  const { AuthModule } = await import('../../src/auth/auth.module');
  const { ComposeModule } = await import('../../src/compose/compose.module');
  const { IdempotencyModule } = await import('../../src/idempotency/idempotency.module');
  const { ComposeRunner } = await import('../../src/compose/compose-runner');
  const { ProcessRunner } = await import('../../src/compose/process-runner');
  const { useHttpPipeline } = await import('../../src/configure-app');
  const moduleRef = await Test.createTestingModule({
    imports: [CommonModule, AuditModule, AuthModule, IdempotencyModule, ComposeModule, ...(options.imports ?? [])],
    controllers,
    providers,
  })
    .overrideProvider(ProcessRunner)
    .useValue(noEngine(ProcessRunner))
    .overrideProvider(ComposeRunner)
    .useValue(noEngine(ComposeRunner))
    .compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({ bodyParser: false, logger: ['error'] });
  useHttpPipeline(app);
  await app.init();
  const authHeader = basicAuth(USER, PASS);
  return {
    app,
    authHeader,
    http: () => request.agent(app.getHttpServer()).set('Authorization', authHeader),
    close: async () => {
      await app.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
