import { ValidationError } from '../common/errors/app-error';
import type { Container, ContainerSpec, ContainerStatus, DiskUsage } from './container.types';

export interface PageQuery {
  statuses?: ContainerStatus[];
  tags?: string[];
  limit: number;
  cursor?: string;
}

export interface Page {
  containers: Container[];
  next_cursor: string | null;
}

export type Key = [string, string];

const NOT_MEASURED: DiskUsage = { app_bytes: null, complete: false, measured_at: null };

const keyOf = (c: ContainerSpec): Key => [c.created_at, c.cuid];

export function compareSpecs(a: ContainerSpec, b: ContainerSpec): number {
  return compareKeys(keyOf(a), keyOf(b));
}

export function compareKeys(a: Key, b: Key): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * Keyset pagination in (created_at, cuid) order: the cursor names the last item seen, so creates and
 * deletes between pages never make a container appear twice or be skipped. `sorted` must already be
 * in that order; only the page's items are turned into views.
 */
export function paginate(
  sorted: readonly ContainerSpec[],
  statusOf: (cuid: string) => ContainerStatus,
  query: PageQuery,
  usageOf: (cuid: string) => DiskUsage = () => NOT_MEASURED,
): Page {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const containers: Container[] = [];
  let more = false;
  for (const spec of sorted) {
    if (after !== null && compareKeys(keyOf(spec), after) <= 0) continue;
    if (query.tags && !query.tags.every((t) => spec.tags.includes(t))) continue;
    const status = statusOf(spec.cuid);
    if (query.statuses && !query.statuses.includes(status)) continue;
    if (containers.length === query.limit) {
      more = true;
      break;
    }
    containers.push({ ...spec, status, disk_usage: usageOf(spec.cuid) });
  }
  const last = containers[containers.length - 1];
  return { containers, next_cursor: more && last ? encodeCursor(keyOf(last)) : null };
}

export function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

export function decodeCursor(cursor: string): Key {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string')) return key as Key;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('INVALID_CURSOR', 'cursor is not one this service issued', { field: 'cursor' });
}
