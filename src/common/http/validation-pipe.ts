import { ValidationPipe } from '@nestjs/common';
import type { ValidationError as ClassValidatorError } from 'class-validator';
import { ValidationError } from '../errors/app-error';
import { CommonErrorCode } from '../errors/error-codes';
import type { ErrorCode } from '../errors/error-codes';

/**
 * The global pipe: whitelist + forbid unknown fields, and every failure becomes the guide's
 * validation_error with a specific code. A decorator picks its code with `context: { code }`;
 * otherwise the code is derived from the field (`INVALID_<FIELD>`).
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => toValidationError(errors),
  });
}

export function toValidationError(errors: ClassValidatorError[], parentPath = ''): ValidationError {
  const first = errors[0];
  if (!first) return new ValidationError(CommonErrorCode.INVALID_REQUEST, 'Invalid request');
  const field = parentPath ? `${parentPath}.${first.property}` : first.property;
  if ((!first.constraints || Object.keys(first.constraints).length === 0) && first.children?.length) {
    return toValidationError(first.children, field);
  }
  const [constraint, message] = Object.entries(first.constraints ?? {})[0] ?? ['invalid', 'is invalid'];
  const contextCode = (first.contexts?.[constraint] as { code?: ErrorCode } | undefined)?.code;
  // A derived code is known only at run time; error-code-registry.spec.ts proves every DTO field's
  // code is registered and documented on the routes that take the DTO.
  const code: ErrorCode =
    constraint === 'whitelistValidation' ? CommonErrorCode.UNKNOWN_FIELD : (contextCode ?? derivedCode(first.property));
  return new ValidationError(code, constraint === 'whitelistValidation' ? `Unknown field "${field}"` : message, {
    field,
    ...(constraint === 'whitelistValidation' ? {} : { provided: summarize(first.value) }),
  });
}

/** The code of a field whose decorators name none: `INVALID_<FIELD>`, as the registry lists it. */
export function derivedCode(property: string): ErrorCode {
  return `INVALID_${property.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}` as ErrorCode;
}

/** A short, safe echo of what was sent: never a whole (possibly huge or secret) value. */
function summarize(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'string') return value.length > 64 ? `${value.slice(0, 64)}…` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return Array.isArray(value) ? 'array' : typeof value;
}
