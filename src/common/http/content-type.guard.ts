import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { UnsupportedMediaTypeError } from '../errors/app-error';
import { BODY_TYPES, hasBody, JSON_TYPES, matchesAny, mediaTypeOf } from './body-types';
import { CommonErrorCode } from '../errors/error-codes';

/**
 * A body must come with a Content-Type its route declared (JSON unless `@AcceptsBody` says
 * otherwise). Besides catching client mistakes, this refuses the `text/plain` and form bodies a
 * page of another site can send without a CORS preflight.
 */
@Injectable()
export class ContentTypeGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const req = context.switchToHttp().getRequest<Request>();
    if (!hasBody(req)) return true;
    const accepted = this.reflector.get<string[] | undefined>(BODY_TYPES, context.getHandler()) ?? JSON_TYPES;
    const type = mediaTypeOf(req.headers['content-type']);
    if (matchesAny(type, accepted)) return true;
    throw new UnsupportedMediaTypeError(
      CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
      type === '' ? 'A request body needs a Content-Type' : `Content-Type ${type.slice(0, 64)} is not accepted here`,
      { content_type: type.slice(0, 64) || null, accepted },
    );
  }
}
