import { CallHandler, ExecutionContext, HttpStatus, Injectable, NestInterceptor, RequestMethod } from '@nestjs/common';
import { HTTP_CODE_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, lastValueFrom, Observable } from 'rxjs';
import { IDEMPOTENCY_KEY_HEADER, idempotencyKeyOf } from './idempotency-key';
import { IDEMPOTENT, type IdempotentOptions } from './idempotent-options';
import { IdempotentRequests } from './idempotent-requests';

/**
 * Applies the Idempotency-Key protocol to a route marked @Idempotent() when the request carries the
 * header. The route is subscribed to here, not only through Nest's chain, so a client that
 * disconnects mid-request cannot stop its answer from being recorded.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    private readonly requests: IdempotentRequests,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const options = this.reflector.get<IdempotentOptions | undefined>(IDEMPOTENT, context.getHandler());
    if (!options) return next.handle();
    const req = context.switchToHttp().getRequest<Request>();
    const key = idempotencyKeyOf(req.headers[IDEMPOTENCY_KEY_HEADER]);
    if (key === undefined) return next.handle();
    return from(
      this.requests.handle({
        req,
        res: context.switchToHttp().getResponse<Response>(),
        key,
        options,
        routeStatus: this.routeStatus(context, req),
        run: () => lastValueFrom(next.handle(), { defaultValue: undefined }),
      }),
    );
  }

  private routeStatus(context: ExecutionContext, req: Request): number {
    const declared = this.reflector.get<number | undefined>(HTTP_CODE_METADATA, context.getHandler());
    if (declared !== undefined) return declared;
    return req.method === RequestMethod[RequestMethod.POST] ? HttpStatus.CREATED : HttpStatus.OK;
  }
}
