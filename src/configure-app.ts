import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import type { NextFunction, Request, Response } from 'express';
import { RequestAuditMiddleware } from './audit/request-audit.middleware';
import { BasicAuthMiddleware } from './auth/basic-auth.middleware';
import { ClusterRouter } from './cluster/cluster-router';
import { UpgradeProxy } from './cluster/upgrade-proxy';
import { AppConfig } from './common/config/app-config';
import { refuseForeignOrigins } from './common/http/foreign-origin';
import { HttpMetricsMiddleware } from './metrics/http-metrics.middleware';
import { jsonBody } from './common/http/json-body';
import { middlewareChain } from './common/http/middleware-chain';
import { ContainerAccessFilter } from './network/container-access-filter';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { TerminalUpgradeRouter } from './terminal/terminal-upgrade-router';

/**
 * Everything about the HTTP app that is not a module: shared by main.ts and the e2e tests so the
 * tests boot exactly what production runs. Express-level middleware is registered here, before
 * any route, so request ids, the audit line, auth and the Origin check cover every route (Swagger's
 * in any letter case, unknown ones) and run before a body is read.
 */
export function configureApp(app: NestExpressApplication): void {
  app.get(ContainerAccessFilter).attach(app.getHttpServer());
  useHttpPipeline(app);
  app.get(TerminalUpgradeRouter).attach(app.getHttpServer(), app.get(UpgradeProxy));
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
  app.enableShutdownHooks();
}

/**
 * The Express chain every HTTP request passes before a route, as one Express layer: request id and
 * audit line, auth, the Origin check, the cluster's routing (inert on a single host), the JSON body,
 * then the request metrics (a request refused before them is not counted, as always). Apart from
 * configureApp so the Docker-free controller specs (test/support/http-app.ts) run the same chain.
 */
export function useHttpPipeline(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  const requestAudit = app.get(RequestAuditMiddleware);
  const auth = app.get(BasicAuthMiddleware);
  app.disable('x-powered-by');
  // Answers carry live state; hashing every body for an ETag costs time and no client revalidates.
  app.set('etag', false);
  const cluster = optionalProvider(app, ClusterRouter);
  const metrics = optionalProvider(app, HttpMetricsMiddleware);
  app.use(
    middlewareChain([
      (req: Request, res: Response, next: NextFunction) => requestAudit.use(req, res, next),
      (req: Request, res: Response, next: NextFunction) => auth.use(req, res, next),
      refuseForeignOrigins(config.allowedOrigins),
      ...(cluster ? [(req: Request, res: Response, next: NextFunction) => cluster.use(req, res, next)] : []),
      jsonBody(config.jsonBodyLimitBytes),
      ...(metrics ? [(req: Request, res: Response, next: NextFunction) => metrics.use(req, res, next)] : []),
    ]),
  );
}

/** The Docker-free controller specs boot without the cluster and metrics modules (they need the containers feature). */
function optionalProvider<T>(app: NestExpressApplication, type: new (...args: never[]) => T): T | null {
  try {
    return app.get(type);
  } catch {
    return null;
  }
}
