import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * `node dist/openapi/write-openapi.js FILE`: writes the document the service serves, without serving
 * it (nothing listens, no engine needed), for `npm run client:generate`. The module graph needs a
 * valid configuration to load; placeholder credentials do, since no request is ever answered.
 */
async function main(target: string): Promise<void> {
  const scratch = mkdtempSync(path.join(tmpdir(), 'cm-openapi-'));
  Object.assign(process.env, {
    ENV_FILE: path.join(scratch, 'none.env'),
    APP_USER: 'openapi',
    APP_PASS: 'openapi-document-only',
    COMPOSE_PROJECTS_DIR: path.join(scratch, 'projects'),
    LOG_DIR: path.join(scratch, 'logs'),
  });
  const { AppModule } = await import('../app.module');
  const { buildOpenApiDocument } = await import('./openapi-document');
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { logger: false, bodyParser: false });
  try {
    writeFileSync(target, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  } finally {
    await app.close();
    rmSync(scratch, { recursive: true, force: true });
  }
}

const target = process.argv[2];
if (!target) {
  process.stderr.write('usage: node dist/openapi/write-openapi.js FILE\n');
  process.exit(2);
}
main(path.resolve(target)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`write-openapi: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
