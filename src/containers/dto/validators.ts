import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';
import {
  ENV_KEY,
  hostCpuCount,
  MAX_ENV_ENTRIES,
  MAX_ENV_VALUE_BYTES,
  MIN_MEMORY_BYTES,
  parseMemory,
  RESERVED_ENV_KEYS,
} from './spec-rules';
import { ContainersErrorCode } from '../containers.errors';

/** A class-validator decorator from a check returning a problem (or null), with a stable error code. */
function rule(
  name: string,
  code: string,
  check: (value: unknown) => string | null,
): (options?: ValidationOptions) => PropertyDecorator {
  return (options) => (target, propertyName) => {
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { context: { code }, ...options },
      validator: {
        validate: (value: unknown) => check(value) === null,
        defaultMessage: (args?: ValidationArguments) =>
          `${args?.property ?? 'value'} ${check(args?.value) ?? 'is invalid'}`,
      },
    });
  };
}

/**
 * Env maps: valid variable names, string/number/boolean values (or null where removal is allowed),
 * no NUL (it cannot reach a process environment). Values are never echoed in messages.
 */
export function envProblem(value: unknown, allowNull: boolean): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'must be an object';
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_ENV_ENTRIES) return `must have at most ${MAX_ENV_ENTRIES} variables`;
  for (const [key, v] of entries) {
    if (!ENV_KEY.test(key)) return `key "${key.slice(0, 64)}" is not a valid variable name`;
    if (RESERVED_ENV_KEYS.has(key)) return `key "${key}" is set by the service`;
    if (v === null && allowNull) continue;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      return `value of "${key}" must be a string, number or boolean`;
    }
    if (typeof v === 'number' && !Number.isFinite(v)) return `value of "${key}" must be a finite number`;
    const text = String(v);
    if (text.includes('\0')) return `value of "${key}" contains a NUL byte`;
    if (Buffer.byteLength(text) > MAX_ENV_VALUE_BYTES)
      return `value of "${key}" is longer than ${MAX_ENV_VALUE_BYTES} bytes`;
  }
  return null;
}

export const IsEnvMap = rule('isEnvMap', ContainersErrorCode.INVALID_ENV, (v) => envProblem(v, false));
export const IsEnvPatch = rule('isEnvPatch', ContainersErrorCode.INVALID_ENV, (v) => envProblem(v, true));

export const IsCpus = rule('isCpus', ContainersErrorCode.INVALID_CPUS, (v) => {
  const max = hostCpuCount();
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= max ? null : `must be a number > 0 and <= ${max}`;
});

export const IsMemory = rule('isMemory', ContainersErrorCode.INVALID_MEMORY, (v) => {
  if (typeof v !== 'string') return 'must be a string like "512m" or "4g"';
  const bytes = parseMemory(v);
  if (bytes === null) return 'must be a size like "512m" or "4g" (no control characters)';
  return bytes >= MIN_MEMORY_BYTES ? null : 'must be at least 6m';
});

export const IsCommand = rule('isCommand', ContainersErrorCode.INVALID_COMMAND, (v) => {
  if (v === null) return null;
  if (!Array.isArray(v) || v.length === 0 || v.length > 256) return 'must be a non-empty array of strings';
  return v.every((a) => typeof a === 'string' && a.length <= 4096 && !a.includes('\0'))
    ? null
    : 'must hold strings without NUL bytes';
});
