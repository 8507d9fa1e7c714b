import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
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
  return new EmptyQueryMemoPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => toValidationError(errors),
  });
}

/**
 * A query string with no parameters (`GET /containers`, most requests) validates the same way every
 * time for one DTO class: that result is worked out once per class and each request gets its own
 * copy. Anything else, and an empty query a DTO refuses, takes the full validation every time.
 */
class EmptyQueryMemoPipe extends ValidationPipe {
  private readonly emptyQueries = new Map<unknown, object>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'query' || !metadata.metatype || !isEmptyObject(value)) {
      return super.transform(value, metadata);
    }
    let valid = this.emptyQueries.get(metadata.metatype);
    if (!valid) {
      valid = (await super.transform({}, metadata)) as object;
      this.emptyQueries.set(metadata.metatype, valid);
    }
    return Object.assign(Object.create(Object.getPrototypeOf(valid) as object) as object, valid);
  }
}

function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const key in value) if (Object.hasOwn(value, key)) return false;
  return true;
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
