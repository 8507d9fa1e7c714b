import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { Metrics } from './metrics';

const UPLOAD_ROUTE = /\/upload-zip$/;

interface RequestSeries {
  count: { inc(): void };
  duration: { observe(seconds: number): void };
}

/** Counts every HTTP request by its route template (never the raw path) once its response is over. */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  /**
   * The labelled series, by method, route template and status: bounded (templates, not paths), and
   * looked up once each instead of hashing the label set on every request.
   */
  private readonly series = new Map<string, RequestSeries>();

  constructor(private readonly metrics: Metrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const started = performance.now();
    const readBefore = req.socket.bytesRead;
    res.once('close', () => {
      const route = routeOf(req);
      const series = this.seriesOf(req.method, route, res.writableFinished ? res.statusCode : 499);
      series.count.inc();
      series.duration.observe((performance.now() - started) / 1000);
      if (UPLOAD_ROUTE.test(route)) this.metrics.uploadBytes.inc(Math.max(0, req.socket.bytesRead - readBefore));
    });
    next();
  }

  private seriesOf(method: string, route: string, status: number): RequestSeries {
    const key = `${method} ${route} ${status}`;
    let series = this.series.get(key);
    if (!series) {
      const labels = { method, route, status: String(status) };
      series = { count: this.metrics.httpRequests.labels(labels), duration: this.metrics.httpDuration.labels(labels) };
      this.series.set(key, series);
    }
    return series;
  }
}

function routeOf(req: Request): string {
  const template = (req.route as { path?: unknown } | undefined)?.path;
  return typeof template === 'string' ? `${req.baseUrl}${template}` : 'unmatched';
}
