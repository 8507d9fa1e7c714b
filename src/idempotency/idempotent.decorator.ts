import { applyDecorators, createParamDecorator, ExecutionContext, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiErrorCodes, codeList, describeCodes } from '../common/http/api-errors.decorator';
import { ErrorBodyDto } from '../common/http/error-body.dto';
import { IdempotencyErrorCode } from './idempotency.errors';
import { IdempotencyInterceptor } from './idempotency.interceptor';
import { IDEMPOTENT, reservedOf, type IdempotentOptions } from './idempotent-options';

/**
 * Marks a route as honouring `Idempotency-Key`, and documents the header and its answers in OpenAPI.
 * Place it above the route's @ApiErrors: it adds its codes to the statuses already documented.
 * The interceptor is the route's only one, and answers are final when the handler returns them
 * (ContainerViews), so what it stores and replays is exactly what the first request answered.
 */
export function Idempotent(options: IdempotentOptions = {}): MethodDecorator {
  return applyDecorators(
    SetMetadata(IDEMPOTENT, options),
    UseInterceptors(IdempotencyInterceptor),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description:
        '1–255 printable characters. The first request with a key runs; a repeat with the same method, path and ' +
        'body gets the stored status and body back with `Idempotency-Replayed: true` and does nothing else; a ' +
        'repeat while the first still runs gets 409 IDEMPOTENCY_IN_PROGRESS with `Retry-After`. Keys expire ' +
        'after IDEMPOTENCY_TTL_S (default 24 h).',
    }),
    addErrorCodes({
      400: IdempotencyErrorCode.INVALID_IDEMPOTENCY_KEY,
      409: IdempotencyErrorCode.IDEMPOTENCY_IN_PROGRESS,
      422: IdempotencyErrorCode.IDEMPOTENCY_KEY_REUSED,
      500: IdempotencyErrorCode.IDEMPOTENCY_STORE_FAILED,
    }),
  );
}

/** @nestjs/swagger's metadata key for documented answers (its constants are not exported). */
const API_RESPONSE = 'swagger/apiResponse';

type ResponsesMetadata = Record<string, { description?: string; type?: unknown }>;

/** Appends codes to a route's documented error answers instead of replacing a status another decorator set. */
function addErrorCodes(codes: ApiErrorCodes): MethodDecorator {
  return (_target, _key, descriptor) => {
    const existing = (Reflect.getMetadata(API_RESPONSE, descriptor.value as object) ?? {}) as ResponsesMetadata;
    const merged: ResponsesMetadata = { ...existing };
    for (const [status, code] of Object.entries(codes)) {
      const prev = existing[status];
      merged[status] = prev?.description
        ? { ...prev, description: `${prev.description}, ${codeList(code).join(', ')}` }
        : { description: describeCodes(code), type: ErrorBodyDto };
    }
    Reflect.defineMetadata(API_RESPONSE, merged, descriptor.value as object);
  };
}

/** The id the request's Idempotency-Key reserved (see IdempotentOptions.reserve); undefined without a key. */
export const Reserved = createParamDecorator(
  (_data: unknown, ctx: ExecutionContext): string | undefined => reservedOf(ctx.switchToHttp().getRequest<Request>()),
);
