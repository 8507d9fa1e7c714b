import { applyDecorators } from '@nestjs/common';
import { ApiBasicAuth, ApiResponse } from '@nestjs/swagger';
import { ErrorBodyDto } from './error-body.dto';

/**
 * Documents a route's error answers in OpenAPI: status → the stable codes it can carry.
 * 401/429 (auth) and 400 INVALID_JSON apply to every route and are added here once.
 */
export function ApiErrors(codes: Record<number, string>): MethodDecorator {
  const all: Record<number, string> = { 401: 'AUTH_REQUIRED, INVALID_CREDENTIALS', 429: 'TOO_MANY_ATTEMPTS', ...codes };
  return applyDecorators(
    ApiBasicAuth(),
    ...Object.entries(all).map(([status, code]) =>
      ApiResponse({ status: Number(status), type: ErrorBodyDto, description: `Error codes: ${code}` }),
    ),
  );
}
