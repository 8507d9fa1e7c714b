import { ValidationError } from '../common/errors/app-error';
import type { Container, ContainerStatus } from './container.types';

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

type Key = [string, string];

const keyOf = (c: Container): Key => [c.created_at, c.cuid];
const compare = (a: Key, b: Key): number =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

/**
 * Keyset pagination in (created_at, cuid) order: the cursor names the last item seen, so creates and
 * deletes between pages never make a container appear twice or be skipped.
 */
export function paginate(all: Container[], query: PageQuery): Page {
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const matching = all
    .filter((c) => !query.statuses || query.statuses.includes(c.status))
    .filter((c) => !query.tags || query.tags.every((t) => c.tags.includes(t)))
    .filter((c) => after === null || compare(keyOf(c), after) > 0)
    .sort((a, b) => compare(keyOf(a), keyOf(b)));
  const containers = matching.slice(0, query.limit);
  const last = containers[containers.length - 1];
  return {
    containers,
    next_cursor: matching.length > query.limit && last ? encodeCursor(keyOf(last)) : null,
  };
}

function encodeCursor(key: Key): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Key {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string')) return key as Key;
  } catch {
    // fall through to the error below
  }
  throw new ValidationError('INVALID_CURSOR', 'cursor is not one this service issued', { field: 'cursor' });
}
