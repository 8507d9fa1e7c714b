import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { isoWithOffset } from '../common/time';
import { RequestContext, RequestState } from '../common/request-context';
import { ClientAddress } from '../common/http/client-address';
import { attachState } from '../common/http/request-state';
import { requestIdFrom } from '../common/http/request-id';
import type { ErrorCode } from '../common/errors/error-codes';
import type { AuditEntry } from './audit-entry';
import { AuditLog } from './audit-log';
import { InFlightRequests } from './in-flight-requests';
import { AuditErrorCode } from './audit.errors';

/**
 * First middleware of every request: assigns the request id, opens the request context, and writes
 * the request's audit line when the response ends (or the client goes away), or, should the
 * process crash before that, lets FatalAudit write it.
 */
@Injectable()
export class RequestAuditMiddleware implements NestMiddleware {
  constructor(
    private readonly context: RequestContext,
    private readonly audit: AuditLog,
    private readonly clientAddress: ClientAddress,
    private readonly inFlight: InFlightRequests,
  ) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const state: RequestState = {
      requestId: requestIdFrom(req.headers['x-request-id']),
      startedAt: performance.now(),
      compose: [],
    };
    attachState(req, state);
    res.setHeader('X-Request-Id', state.requestId);
    const entry = (status: number, failure: { error?: string; code?: ErrorCode }): AuditEntry => ({
      timestamp: isoWithOffset(new Date()),
      request_id: state.requestId,
      user: state.user ?? null,
      remote: this.clientAddress.of(req),
      method: req.method,
      path: req.originalUrl.split('?')[0] ?? req.originalUrl,
      action: state.action ?? null,
      cuid: state.cuid ?? null,
      status,
      duration_ms: Math.round(performance.now() - state.startedAt),
      ...(failure.error ? failure : {}),
      compose: state.compose,
      ...(state.idempotencyKey === undefined ? {} : { idempotency_key: state.idempotencyKey }),
      ...(state.idempotencyReplayed ? { idempotency_replayed: true } : {}),
    });
    this.inFlight.add(state, () => entry(500, { error: 'io_error', code: AuditErrorCode.PROCESS_CRASHED }));
    // 'close' follows 'finish' on every response, and also comes alone when the client goes away.
    res.once('close', () => {
      this.inFlight.delete(state);
      this.audit.write(
        entry(res.writableFinished ? res.statusCode : 499, { error: state.errorId, code: state.errorCode }),
      );
    });
    this.context.run(state, next);
  }
}
