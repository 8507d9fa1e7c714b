import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { RequestAuditMiddleware } from './audit/request-audit.middleware';
import { AuthFailure, BasicAuthenticator } from './auth/basic-authenticator';
import { AppConfig } from './common/config/app-config';
import { jsonBody } from './common/http/json-body';
import { stateOf } from './common/http/request-state';
import { ContainerAccessFilter } from './network/container-access-filter';
import { TerminalUpgradeRouter } from './terminal/terminal-upgrade-router';
import { TerminalWsAdapter } from './terminal/terminal-ws-adapter';

/**
 * Everything about the HTTP app that is not a module: shared by main.ts and the e2e tests so the
 * tests boot exactly what production runs. Express-level middleware is registered here, before
 * any route, so request ids, the audit line and auth also cover /docs and unknown routes.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  const requestAudit = app.get(RequestAuditMiddleware);
  app.get(ContainerAccessFilter).attach(app.getHttpServer());
  app.disable('x-powered-by');
  // Answers carry live state; hashing every body for an ETag costs time and no client revalidates.
  app.set('etag', false);
  app.use((req: Request, res: Response, next: NextFunction) => requestAudit.use(req, res, next));
  app.use(jsonBody(config.jsonBodyLimitBytes));
  app.use(['/docs', '/openapi.json'], docsAuth(app));
  app.useWebSocketAdapter(new TerminalWsAdapter(app, app.get(TerminalUpgradeRouter)));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Container Manager')
      .setDescription('Run and drive Docker Compose v2 containers over REST and WebSocket')
      .setVersion('1')
      .addBasicAuth()
      .addSecurityRequirements('basic')
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  app.enableShutdownHooks();
}

/** Swagger's routes are plain express routes, outside the global guard: the same check, applied here. */
function docsAuth(app: INestApplication): (req: Request, res: Response, next: NextFunction) => void {
  const authenticator = app.get(BasicAuthenticator);
  return (req, _res, next) => {
    authenticator.authenticate(req).then(
      (user) => {
        const state = stateOf(req);
        if (state) state.user = user;
        next();
      },
      (failure: AuthFailure) => {
        const state = stateOf(req);
        if (state) state.user = failure.attemptedUser ?? undefined;
        next(failure.error);
      },
    );
  };
}
