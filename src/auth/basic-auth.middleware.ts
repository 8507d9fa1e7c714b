import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { stateOf } from '../common/http/request-state';
import { BasicAuthenticator } from './basic-authenticator';

/**
 * Basic auth for every HTTP request, mounted on express before any body parser, route or 404, so
 * nothing (known route, unknown route, the OpenAPI documents in any letter case) answers or reads
 * a body before the credential is checked. WebSocket upgrades never pass here: the terminal's
 * upgrade check runs the same authenticator.
 */
@Injectable()
export class BasicAuthMiddleware implements NestMiddleware {
  constructor(private readonly authenticator: BasicAuthenticator) {}

  use(req: Request, _res: Response, next: NextFunction): void {
    this.authenticator.authenticateThen(req, (failure, user) => {
      const state = stateOf(req);
      if (state) state.user = failure ? (failure.attemptedUser ?? undefined) : user;
      next(failure?.error);
    });
  }
}
