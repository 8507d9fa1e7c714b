import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { parse as parseDotenv } from 'dotenv';
import { existsSync, readFileSync } from 'node:fs';
import { AppModule } from './app.module';
import { validateEnvironment } from './common/config/environment';
import { AppConfig } from './common/config/app-config';
import { createServiceLogger } from './common/logging/service-logger';
import { RequestContext } from './common/request-context';
import { configureApp } from './configure-app';

async function bootstrap(): Promise<void> {
  // ConfigModule validates too, but a failure there is logged by Nest with a stack trace; checking the
  // same sources first (process.env over .env, as ConfigModule merges them) ends as one line instead.
  validateEnvironment({ ...loadEnvFile(process.env.ENV_FILE ?? '.env'), ...process.env });
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bodyParser: false, bufferLogs: true });
  const config = app.get(AppConfig);
  // Lines buffered while the modules were built are written now, through this logger and its level.
  app.useLogger(createServiceLogger(config, app.get(RequestContext)));
  configureApp(app);
  boundShutdown(config.shutdownGraceMs);
  await app.listen(config.port, config.host);
  new Logger('Bootstrap').log(`Container Manager listening on http://${config.host}:${config.port}`);
}

/**
 * Nest's shutdown hooks stop accepting, wait for in-flight requests, close terminals and flush the
 * audit log; this bounds that wait so a stuck request cannot keep a SIGTERM'd service alive.
 */
function boundShutdown(graceMs: number): void {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      setTimeout(() => {
        new Logger('Shutdown').error(`shutdown took longer than ${graceMs} ms; exiting`);
        process.exit(1);
      }, graceMs).unref();
    });
  }
}

function loadEnvFile(file: string): Record<string, string> {
  return existsSync(file) ? parseDotenv(readFileSync(file)) : {};
}

bootstrap().catch((err: unknown) => {
  // A config error is one line on purpose: it must say what is missing, never echo a value.
  process.stderr.write(`container-manager: failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
