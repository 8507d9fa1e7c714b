import { createHash } from 'node:crypto';
import { AppError } from '../common/errors/app-error';
import type { ContainerSpec } from './container.types';
import { ContainersErrorCode } from './containers.errors';

/** If-Match named a version that is no longer current: nothing was changed. */
export class PreconditionFailedError extends AppError {
  readonly error = 'conflict';
  readonly status = 412;
}

/**
 * The container's version as a strong ETag: a digest of its whole spec (what compose.yaml's
 * x-container-manager block holds, updated_at included), so every change of the spec, by any code
 * path, gives a new one, and live state (status) never does.
 */
export function etagOf(spec: Partial<ContainerSpec>): string {
  const digest = createHash('sha256').update(canonical(spec)).digest('base64url').slice(0, 27);
  return `"${digest}"`;
}

/** Throws 412 PRECONDITION_FAILED unless If-Match is absent, `*`, or lists the spec's current ETag. */
export function assertIfMatch(header: string | undefined, spec: ContainerSpec): void {
  if (header === undefined) return;
  const current = etagOf(spec);
  const listed = header.split(',').map((tag) => tag.trim());
  // Strong comparison (RFC 9110): a weak tag never matches; a bare token is taken as if quoted.
  if (listed.some((tag) => tag === '*' || tag === current || `"${tag}"` === current)) return;
  throw new PreconditionFailedError(
    ContainersErrorCode.PRECONDITION_FAILED,
    'The container changed since the version in If-Match',
    {
      etag: current,
    },
  );
}

/** JSON with sorted keys; null and absent members are the same (older compose files lack newer fields). */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const members = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
