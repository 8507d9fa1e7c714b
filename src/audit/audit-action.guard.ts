import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { stateOf } from '../common/http/request-state';
import { AUDIT_ACTION } from './audit.decorator';

/**
 * Tags the request's audit state with the route's action name and the container it addresses. A
 * guard that never refuses, rather than an interceptor: it is the first place that knows the route,
 * and it costs no RxJS chain per request.
 */
@Injectable()
export class AuditActionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    const state = stateOf(req);
    if (state) {
      state.action = this.reflector.get<string | undefined>(AUDIT_ACTION, context.getHandler()) ?? state.action;
      const cuid = req.params?.cuid;
      if (typeof cuid === 'string') state.cuid = cuid;
    }
    return true;
  }
}
