import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, Observable } from 'rxjs';
import { etagOf } from './etag';
import { ProjectStore } from './project-store';

/**
 * Sends the container's version as `ETag` with every answer that is one container. The digest is taken
 * over the spec fields of the answer itself (not a fresh read), so the header always matches the body.
 * The tag versions the spec (for If-Match), while the body also carries live status: a conditional GET
 * must never get Express's automatic 304, or a revalidating cache keeps a stale status.
 */
@Injectable()
export class ContainerEtagInterceptor implements NestInterceptor {
  constructor(private readonly store: ProjectStore) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const http = context.switchToHttp();
    const res = http.getResponse<Response>();
    delete http.getRequest<Request>().headers['if-none-match'];
    return next.handle().pipe(
      map((body: unknown) => {
        const etag = this.etagOfAnswer(body);
        if (etag && !res.headersSent) res.setHeader('ETag', etag);
        return body;
      }),
    );
  }

  private etagOfAnswer(body: unknown): string | null {
    if (body === null || typeof body !== 'object' || !('image' in body) || !('cuid' in body)) return null;
    const spec = typeof body.cuid === 'string' ? this.store.get(body.cuid) : undefined;
    if (!spec) return null;
    const shown = body as Record<string, unknown>;
    return etagOf(Object.fromEntries(Object.keys(spec).map((key) => [key, shown[key]])));
  }
}
