import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
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
  constructor(
    private readonly store: ProjectStore,
    private readonly activity: ActivityTracker,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const cuid = context.switchToHttp().getRequest<Request>().params?.cuid;
    const touch = (): void => {
      if (typeof cuid === 'string' && this.store.get(cuid)) this.activity.touch(cuid);
    };
    touch();
    return next.handle().pipe(
      mergeMap((body: unknown) => this.withLifetimes(body)),
      finalize(touch),
    );
  }

  private async withLifetimes(body: unknown): Promise<unknown> {
    if (isContainer(body)) return this.decorate(body);
    if (body !== null && typeof body === 'object' && 'containers' in body && Array.isArray(body.containers)) {
      const containers = await Promise.all(
        (body.containers as unknown[]).map((c) => (isContainer(c) ? this.decorate(c) : c)),
      );
      return { ...body, containers };
    }
    return body;
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

function isContainer(value: unknown): value is ContainerAnswer {
  return value !== null && typeof value === 'object' && 'cuid' in value && 'image' in value;
}
