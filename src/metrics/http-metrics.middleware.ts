import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from './metrics';

const UPLOAD_ROUTE = /\/upload-zip$/;

/** Counts every HTTP request by its route template (never the raw path) once its response is over. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    const readBefore = req.socket.bytesRead;
    res.once('close', () => {
      const route = routeOf(req);
      const labels = { method: req.method, route, status: String(res.writableFinished ? res.statusCode : 499) };
      this.metrics.httpRequests.inc(labels);
      this.metrics.httpDuration.observe(labels, (performance.now() - started) / 1000);
      if (UPLOAD_ROUTE.test(route)) this.metrics.uploadBytes.inc(Math.max(0, req.socket.bytesRead - readBefore));
    });
    next();
  }
}

function routeOf(req: Request): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  return typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
}
