import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../config/app-config';
import { stateOf } from '../http/request-state';
import { requestIdFrom } from '../http/request-id';
import { AppError, RateLimitedError } from './app-error';
import { toErrorBody } from './error-body';
import { toAppError } from './to-app-error';

/** Renders every HTTP error once, in the guide's schema. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ErrorFilter');

  constructor(private readonly config: AppConfig) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return;
    const req = host.switchToHttp().getRequest<Request>();
    const res = host.switchToHttp().getResponse<Response>();
    const err = toAppError(exception);
    if (!(exception instanceof AppError) && err.status >= 500) {
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    }
    const state = stateOf(req);
    if (state) {
      state.errorCode = err.code;
      state.errorId = err.error;
    }
    if (res.headersSent) {
      // A stream failed after its headers went out: the only honest signal left is a cut connection.
      res.destroy();
      return;
    }
    const requestId = state?.requestId ?? requestIdFrom(req.headers['x-request-id']);
    const body = toErrorBody(err, requestId, this.config.isDevelopment);
    if (err.status === 401) res.setHeader('WWW-Authenticate', 'Basic realm="container-manager", charset="UTF-8"');
    if (err instanceof RateLimitedError) res.setHeader('Retry-After', String(err.retryAfterS));
    res.status(err.status).json(body);
  }
}
