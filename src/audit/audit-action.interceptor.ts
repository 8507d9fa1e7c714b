import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Observable } from 'rxjs';
import { stateOf } from '../common/http/request-state';
import { AUDIT_ACTION } from './audit.decorator';

/** Tags the request's audit state with the route's action name and the container it addresses. */
@Injectable()
export class AuditActionInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() === 'http') {
      const req = context.switchToHttp().getRequest<Request>();
      const state = stateOf(req);
      if (state) {
        state.action = this.reflector.get<string | undefined>(AUDIT_ACTION, context.getHandler()) ?? state.action;
        const cuid = req.params?.cuid;
        if (typeof cuid === 'string') state.cuid = cuid;
      }
    }
    return next.handle();
  }
}
