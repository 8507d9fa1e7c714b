import { applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiResponse } from '@nestjs/swagger';
import { CommonErrorCode, ErrorCode } from '../errors/error-codes';
import { ErrorBodyDto } from './error-body.dto';

/** A route's error answers: status → the registered codes it can carry. */
export type ApiErrorCodes = Partial<Record<number, ErrorCode | readonly ErrorCode[]>>;

/** The answers every route can give, whatever its own: the Basic challenge and the login lock. */
const EVERY_ROUTE: ApiErrorCodes = {
  401: [CommonErrorCode.AUTH_REQUIRED, CommonErrorCode.INVALID_CREDENTIALS],
  429: CommonErrorCode.TOO_MANY_ATTEMPTS,
};

export function codeList(codes: ErrorCode | readonly ErrorCode[] | undefined): readonly ErrorCode[] {
  return typeof codes === 'string' ? [codes] : (codes ?? []);
}

/** How a status's codes are written into an answer's description, which `documentErrorCodes` turns into an enum. */
export function describeCodes(codes: ErrorCode | readonly ErrorCode[] | undefined): string {
  return `Error codes: ${codeList(codes).join(', ')}`;
}

/**
 * Documents a route's error answers in OpenAPI from the modules' typed codes, so the documented list
 * and what the code raises come from one registry. 401/429 (auth) apply to every route and are added
 * here once; the write routes' body refusals (Origin, Content-Type, JSON body) by `documentWriteRefusals`.
 */
export function ApiErrors(codes: ApiErrorCodes): MethodDecorator {
  const all: ApiErrorCodes = { ...EVERY_ROUTE, ...codes };
  return applyDecorators(
    ApiBasicAuth(),
    ...Object.entries(all).map(([status, listed]) =>
      ApiResponse({ status: Number(status), type: ErrorBodyDto, description: describeCodes(listed) }),
    ),
  );
}
