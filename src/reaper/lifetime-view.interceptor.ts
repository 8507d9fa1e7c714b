import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request, Response } from 'express';
import { finalize, mergeMap, Observable } from 'rxjs';
import { isoWithOffset } from '../common/time';
import type { ContainerSpec } from '../containers/container.types';
import { ProjectStore } from '../containers/project-store';
import { ActivityTracker } from './activity-tracker';
import { idleStopAt } from './deadlines';

type ContainerAnswer = ContainerSpec & Record<string, unknown>;

/**
 * Every API call on `/containers/:cuid/...` is activity for idle auto-stop (counted when it ends, so a
 * long operation does not count from its start). Every container in an answer gets its lifetime fields:
 * `ttl_s`, `expires_at`, `idle_stop_s` and `idle_stop_at`, null when unset.
 */
@Injectable()
export class LifetimeViewInterceptor implements NestInterceptor {
  /**
   * A page of containers as sent, by the page object it was made from (the listing hands out the
   * same object while nothing it shows changed) and the activity version it was made at.
   */
  private readonly sentPages = new WeakMap<object, { version: number; json: string }>();

  constructor(
    private readonly store: ProjectStore,
    private readonly activity: ActivityTracker,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const cuid = context.switchToHttp().getRequest<Request>().params?.cuid;
    const res = context.switchToHttp().getResponse<Response>();
    const touch = (): void => {
      if (typeof cuid === 'string' && this.store.get(cuid)) this.activity.touch(cuid);
    };
    touch();
    return next.handle().pipe(
      mergeMap((body: unknown) => (isPage(body) ? this.sentPage(body, res) : this.withLifetimes(body))),
      finalize(touch),
    );
  }

  private withLifetimes(body: unknown): Promise<unknown> {
    return isContainer(body) ? this.decorate(body) : Promise.resolve(body);
  }

  /**
   * A page as JSON text: serialised once, then sent as it is while neither the page nor any last-use
   * time changed (the version is read before decorating, so a touch meanwhile makes the next
   * request build it again).
   */
  private async sentPage(page: Page, res: Response): Promise<string> {
    const version = this.activity.version;
    let sent = this.sentPages.get(page);
    if (sent?.version !== version) {
      const containers = await Promise.all(page.containers.map((c) => (isContainer(c) ? this.decorate(c) : c)));
      sent = { version, json: JSON.stringify({ ...page, containers }) };
      this.sentPages.set(page, sent);
    }
    // What res.json would have sent for the object.
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    return sent.json;
  }

  private async decorate(container: ContainerAnswer): Promise<ContainerAnswer> {
    const idleStopS = container.idle_stop_s ?? null;
    const spec = this.store.get(container.cuid);
    const at = idleStopS !== null && spec ? idleStopAt(idleStopS, await this.activity.lastActivity(spec)) : null;
    return {
      ...container,
      ttl_s: container.ttl_s ?? null,
      expires_at: container.expires_at ?? null,
      idle_stop_s: idleStopS,
      idle_stop_at: at === null ? null : isoWithOffset(new Date(at)),
    };
  }
}

interface Page {
  containers: unknown[];
  next_cursor: unknown;
}

/** A listing page (`containers` and `next_cursor`); other answers with a `containers` list (stats) are not. */
function isPage(body: unknown): body is Page {
  return (
    body !== null &&
    typeof body === 'object' &&
    'next_cursor' in body &&
    'containers' in body &&
    Array.isArray(body.containers)
  );
}

function isContainer(value: unknown): value is ContainerAnswer {
  return value !== null && typeof value === 'object' && 'cuid' in value && 'image' in value;
}
