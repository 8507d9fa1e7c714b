import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { json } from 'express';
import { AsyncResource } from 'node:async_hooks';
import { ValidationError } from '../errors/app-error';
import { toAppError } from '../errors/to-app-error';
import { CommonErrorCode } from '../errors/error-codes';

const MAX_DEPTH = 32;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * JSON body parsing with the service's own errors: bad JSON → INVALID_JSON, too large → 413,
 * too deep or prototype-pollution keys → 400. The continuation is bound to the request's async
 * context, which body parsing (stream events) would otherwise lose.
 */
export function jsonBody(limitBytes: number): RequestHandler {
  const parse = json({ limit: limitBytes, strict: false, type: ['application/json', 'application/*+json'] });
  return (req: Request, res: Response, next: NextFunction): void => {
    // No body (every GET): nothing to parse or bind, as the parser itself would decide.
    if (req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined) {
      if (!Reflect.has(req, 'body')) req.body = undefined;
      next();
      return;
    }
    const done = AsyncResource.bind((err?: unknown) => {
      if (err) return next(toAppError(err));
      const problem = inspect(req.body as unknown, 0);
      next(problem ?? undefined);
    });
    parse(req, res, done);
  };
}

function inspect(value: unknown, depth: number): ValidationError | null {
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) {
    return new ValidationError(CommonErrorCode.JSON_TOO_DEEP, `Request body nests deeper than ${MAX_DEPTH} levels`);
  }
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) {
      return new ValidationError(CommonErrorCode.FORBIDDEN_KEY, `Key "${key}" is not allowed`, { field: key });
    }
    const problem = inspect((value as Record<string, unknown>)[key], depth + 1);
    if (problem) return problem;
  }
  return null;
}
