import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { middlewareChain } from './middleware-chain';

describe('middlewareChain', () => {
  const req = {} as Request;
  const res = {} as Response;

  it('runs the handlers in order, then the next layer', () => {
    const order: string[] = [];
    const step =
      (name: string): RequestHandler =>
      (_req, _res, next: NextFunction) => {
        order.push(name);
        next();
      };
    const next = jest.fn(() => order.push('next'));
    middlewareChain([step('a'), step('b'), step('c')])(req, res, next);
    expect(order).toEqual(['a', 'b', 'c', 'next']);
    expect(next).toHaveBeenCalledWith();
  });

  it('passes the first error on and runs nothing after it', () => {
    const failure = new Error('refused');
    const after = jest.fn();
    const next = jest.fn();
    middlewareChain([(_q, _s, n) => n(failure), after])(req, res, next);
    expect(next).toHaveBeenCalledWith(failure);
    expect(after).not.toHaveBeenCalled();
  });

  it('waits for a handler that continues later', async () => {
    const next = jest.fn();
    const later: RequestHandler = (_q, _s, n) => void setImmediate(() => n());
    middlewareChain([later, (_q, _s, n) => n()])(req, res, next);
    expect(next).not.toHaveBeenCalled();
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(next).toHaveBeenCalledWith();
  });

  it('does not continue for a handler that answered and never called next', () => {
    const next = jest.fn();
    middlewareChain([() => undefined])(req, res, next);
    expect(next).not.toHaveBeenCalled();
  });
});
