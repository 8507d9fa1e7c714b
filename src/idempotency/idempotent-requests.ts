import { Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AppConfig } from '../common/config/app-config';
import { IoError } from '../common/errors/app-error';
import { toErrorBody } from '../common/errors/error-body';
import { toAppError } from '../common/errors/to-app-error';
import { stateOf } from '../common/http/request-state';
import { BodyDigest } from './body-digest';
import { fingerprintOf, jsonBodyDigest, REPLAYED_HEADER } from './idempotency-key';
import { IdempotencyErrorCode, KeyInProgressError, KeyReusedError } from './idempotency.errors';
import { setReserved, type IdempotentOptions } from './idempotent-options';
import { InflightKeys } from './inflight-keys';
import { Claim, KeyRequest, KeyStore, StoredResponse } from './key-store';
import { captureJson, pinStatus, replayableHeaders, whenResponseOver } from './response-capture';
import type { ErrorCode } from '../common/errors/error-codes';

/** A client that sends nothing for this long while its repeated upload is compared is gone. */
const DRAIN_IDLE_MS = 60_000;
const RETRY_AFTER_S = 1;

export interface IdempotentCall {
  req: Request;
  res: Response;
  key: string;
  options: IdempotentOptions;
  /** The status Nest answers the route with on success. */
  routeStatus: number;
  /** Runs the route; called at most once. */
  run: () => Promise<unknown>;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The Idempotency-Key protocol around one route call: claim the key, then run, replay, wait for the
 * running twin, or refuse. An answer below 500 (except 408) is stored and replayed; a 5xx, a 408, or
 * an upload answered before its body was read releases the key, so a retry runs it again (resuming
 * the same reserved id).
 */
@Injectable()
export class IdempotentRequests {
  private readonly logger = new Logger('Idempotency');
  private readonly inflight = new InflightKeys();

  constructor(
    private readonly store: KeyStore,
    private readonly config: AppConfig,
  ) {}

  async handle(call: IdempotentCall): Promise<unknown> {
    const { req, key, options } = call;
    const state = stateOf(req);
    if (state) state.idempotencyKey = key;
    const request: KeyRequest = {
      user: state?.user ?? '',
      key,
      method: req.method,
      path: req.originalUrl,
      fingerprint: options.streamedBody ? null : fingerprintOf(req.method, req.originalUrl, jsonBodyDigest(req.body)),
      reserve: options.reserve,
    };
    const digest = options.streamedBody ? new BodyDigest(req) : null;
    const waitUntil = Date.now() + this.config.idempotencyWaitMs;
    for (;;) {
      const claim = this.claim(request);
      switch (claim.kind) {
        case 'run':
          return this.run(call, request, claim, digest);
        case 'reused':
          throw new KeyReusedError(key);
        case 'done':
          if (claim.fingerprint !== (await this.fingerprintOf(request, digest))) throw new KeyReusedError(key);
          return this.replay(call, claim.response);
        case 'busy': {
          if (request.fingerprint !== null && claim.fingerprint !== null && claim.fingerprint !== request.fingerprint) {
            throw new KeyReusedError(key);
          }
          const left = waitUntil - Date.now();
          if (left <= 0 || !(await this.inflight.wait(idOf(request), left))) {
            call.res.setHeader('Retry-After', String(RETRY_AFTER_S));
            throw new KeyInProgressError(RETRY_AFTER_S);
          }
        }
      }
    }
  }

  private async run(
    call: IdempotentCall,
    request: KeyRequest,
    claim: Claim & { kind: 'run' },
    digest: BodyDigest | null,
  ) {
    const { req, res } = call;
    const finish = this.inflight.start(idOf(request));
    if (claim.resumed)
      this.logger.log(`resuming a request its process did not finish (${request.method} ${request.path})`);
    setReserved(req, claim.resource);
    let recorded = false;
    const record = (response: StoredResponse): void => {
      if (recorded) return;
      recorded = true;
      try {
        const fingerprint =
          request.fingerprint ?? (digest?.complete ? fingerprintOf(request.method, request.path, digest.hex()) : null);
        if (response.status >= 500 || response.status === 408 || fingerprint === null) {
          this.store.release(request.user, request.key);
        } else {
          this.store.complete(request.user, request.key, fingerprint, response);
        }
      } catch (err) {
        this.logger.error(`could not record an idempotent answer: ${(err as Error).message}`);
      } finally {
        finish();
      }
    };
    captureJson(res, (body) => record({ status: res.statusCode, headers: replayableHeaders(res), body }));
    const outcome: Outcome = await call.run().then(
      (value) => ({ ok: true, value }),
      (error: unknown) => ({ ok: false, error }),
    );
    // The client may be gone before the answer went out: the answer is stored all the same.
    whenResponseOver(res, () => record(this.unsentAnswer(call, outcome)));
    if (!outcome.ok) throw outcome.error;
    return outcome.value;
  }

  private unsentAnswer(call: IdempotentCall, outcome: Outcome): StoredResponse {
    if (outcome.ok) {
      return {
        status: call.routeStatus,
        headers: replayableHeaders(call.res),
        body: JSON.stringify(outcome.value ?? null),
      };
    }
    const err = toAppError(outcome.error);
    const requestId = stateOf(call.req)?.requestId ?? '';
    return {
      status: err.status,
      headers: {},
      body: JSON.stringify(toErrorBody(err, requestId, this.config.isDevelopment)),
    };
  }

  private replay(call: IdempotentCall, stored: StoredResponse): unknown {
    const { req, res } = call;
    const body = JSON.parse(stored.body) as unknown;
    const state = stateOf(req);
    if (state) {
      state.idempotencyReplayed = true;
      if (stored.status >= 400 && body !== null && typeof body === 'object') {
        state.errorId = String((body as Record<string, unknown>).error);
        // A stored answer is one of ours, so its code was an ErrorCode when it was stored.
        state.errorCode = String((body as Record<string, unknown>).code) as ErrorCode;
      }
    }
    for (const [name, value] of Object.entries(stored.headers)) res.setHeader(name, value);
    res.setHeader(REPLAYED_HEADER, 'true');
    pinStatus(res, stored.status);
    return body;
  }

  /** The request's fingerprint; a streamed body is read to its end (and discarded) to digest it. */
  private async fingerprintOf(request: KeyRequest, digest: BodyDigest | null): Promise<string | null> {
    if (request.fingerprint !== null || !digest) return request.fingerprint;
    await digest.drain(this.config.uploadLimits.maxBytes, DRAIN_IDLE_MS);
    return fingerprintOf(request.method, request.path, digest.hex());
  }

  private claim(request: KeyRequest): Claim {
    try {
      return this.store.claim(request);
    } catch (err) {
      this.logger.error(`idempotency store failed: ${(err as Error).message}`);
      throw new IoError(
        IdempotencyErrorCode.IDEMPOTENCY_STORE_FAILED,
        'Could not read or write the Idempotency-Key store',
      );
    }
  }
}

function idOf(request: KeyRequest): string {
  return `${request.user}\0${request.key}`;
}
