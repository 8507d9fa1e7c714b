import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { stateOf } from '../common/http/request-state';
import { AuthFailure, BasicAuthenticator } from './basic-authenticator';
import { IS_PUBLIC } from './public.decorator';

/** Global guard: every HTTP route needs Basic credentials unless marked @Public(). */
@Injectable()
export class BasicAuthGuard implements CanActivate {
  constructor(
    private readonly authenticator: BasicAuthenticator,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const isPublic = this.reflector.getAllAndOverride<boolean | undefined>(IS_PUBLIC, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (isPublic) return true;
    const req = context.switchToHttp().getRequest<Request>();
    const state = stateOf(req);
    try {
      const user = await this.authenticator.authenticate(req);
      if (state) state.user = user;
      return true;
    } catch (failure) {
      const { error, attemptedUser } = failure as AuthFailure;
      if (state) state.user = attemptedUser ?? undefined;
      throw error;
    }
  }
}
