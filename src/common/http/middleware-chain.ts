import type { NextFunction, Request, RequestHandler, Response } from 'express';

/**
 * Runs handlers one after another as a single Express layer; the first error, or the end of the
 * list, goes on to `next`. Every Express layer costs each request a path match and a trip through
 * the router, and these run on every request (README, Benchmarks: the listing).
 */
export function middlewareChain(handlers: readonly RequestHandler[]): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    let index = 0;
    const step = (err?: unknown): void => {
      if (err !== undefined && err !== null) return next(err);
      const handler = handlers[index++];
      if (!handler) return next();
      void handler(req, res, step);
    };
    step();
  };
}
