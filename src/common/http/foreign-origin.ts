import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { OriginNotAllowedError } from '../errors/app-error';
import { isOriginAllowed } from './origin-policy';
import { CommonErrorCode } from '../errors/error-codes';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests sent by a page of another site (cross-site request forgery:
 * the browser would attach cached Basic credentials). Browsers send Origin on every cross-site
 * POST/PUT/PATCH/DELETE; scripts and CLIs send none and pass. Runs after auth, before any body is read.
 */
export function refuseForeignOrigins(allowed: string[]): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const origin = req.headers.origin;
    if (SAFE_METHODS.has(req.method) || isOriginAllowed(origin, req.headers.host, allowed)) {
      next();
      return;
    }
    next(
      new OriginNotAllowedError(
        CommonErrorCode.ORIGIN_NOT_ALLOWED,
        'Requests from this origin may not change anything here',
        {
          origin: origin?.slice(0, 200) ?? null,
        },
      ),
    );
  };
}
