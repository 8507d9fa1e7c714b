import { Injectable } from '@nestjs/common';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ErrorCode } from './errors/error-codes';

export interface ComposeCallRecord {
  argv: string[];
  exit_code: number | null;
  duration_ms: number;
}

/** What one request (or terminal session) accumulates for its audit entry. */
export interface RequestState {
  requestId: string;
  startedAt: number;
  user?: string;
  action?: string;
  cuid?: string;
  compose: ComposeCallRecord[];
  errorCode?: ErrorCode;
  errorId?: string;
  /** The request's Idempotency-Key, on routes that honour it. */
  idempotencyKey?: string;
  /** The answer was a stored one, replayed for a repeated key. */
  idempotencyReplayed?: boolean;
}

/**
 * Carries the current request's state across async calls, so deep layers (ComposeRunner) can
 * record what they did without every signature passing it along.
 */
@Injectable()
export class RequestContext {
  private readonly storage = new AsyncLocalStorage<RequestState>();

  run<T>(state: RequestState, fn: () => T): T {
    return this.storage.run(state, fn);
  }

  current(): RequestState | undefined {
    return this.storage.getStore();
  }

  /** The container the request addresses once it is known: a create's, whose path names none. */
  recordCuid(cuid: string): void {
    const state = this.storage.getStore();
    if (state) state.cuid = cuid;
  }

  recordCompose(call: ComposeCallRecord): void {
    this.storage.getStore()?.compose.push(call);
  }
}
