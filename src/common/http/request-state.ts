import type { Request } from 'express';
import type { RequestState } from '../request-context';

const STATE = Symbol('requestState');

type WithState = Request & { [STATE]?: RequestState };

export function attachState(req: Request, state: RequestState): void {
  (req as WithState)[STATE] = state;
}

export function stateOf(req: Request): RequestState | undefined {
  return (req as WithState)[STATE];
}
