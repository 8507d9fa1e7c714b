import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ProjectStore } from '../containers/project-store';
import { ActivityTracker } from './activity-tracker';

/**
 * Every API call on `/containers/:cuid/...` is activity for idle auto-stop: counted when it starts
 * (so its own answer shows the pushed `idle_stop_at`) and again when it ends (so a long operation does
 * not count from its start). A guard that never refuses, rather than an interceptor: it runs after
 * auth, knows the route's parameters, and costs no RxJS chain per request.
 */
@Injectable()
export class ContainerActivityGuard implements CanActivate {
  constructor(
    private readonly store: ProjectStore,
    private readonly activity: ActivityTracker,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const cuid = http.getRequest<Request>().params?.cuid;
    if (typeof cuid !== 'string' || !this.store.get(cuid)) return true;
    this.activity.touch(cuid);
    http.getResponse<Response>().once('close', () => {
      if (this.store.get(cuid)) this.activity.touch(cuid);
    });
    return true;
  }
}
