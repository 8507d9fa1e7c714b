import { compareKeys, decodeCursor, encodeCursor, type Key } from '../containers/container-page';

/** A container as a node's page lists it: the API's container plus the cluster's fields. */
export interface ListedContainer {
  cuid: string;
  created_at: string;
  tags?: string[];
  status?: string;
  node?: string;
  node_down?: boolean;
  [field: string]: unknown;
}

/** One node's answer to "`limit` containers after the cursor". */
export interface NodePage {
  containers: ListedContainer[];
  next_cursor: string | null;
}

export interface ClusterPage {
  containers: ListedContainer[];
  next_cursor: string | null;
}

const keyOf = (c: ListedContainer): Key => [c.created_at, c.cuid];

/**
 * Merges nodes' pages into one in (created_at, cuid) order. Every node was asked for `limit` items
 * after the same keyset cursor, so the first `limit` of the union are exactly the cluster's next page;
 * the cursor names its last item, which every node understands on the next call. A cuid listed twice
 * (a node's last-known directory racing its fresh page) is kept once.
 */
export function mergePages(pages: readonly NodePage[], limit: number): ClusterPage {
  const seen = new Set<string>();
  const all: ListedContainer[] = [];
  for (const page of pages) {
    for (const c of page.containers) {
      if (seen.has(c.cuid)) continue;
      seen.add(c.cuid);
      all.push(c);
    }
  }
  all.sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const containers = all.slice(0, limit);
  const more = all.length > limit || pages.some((p) => p.next_cursor !== null);
  const last = containers[containers.length - 1];
  return { containers, next_cursor: more && last ? encodeCursor(keyOf(last)) : null };
}

export interface DirectoryQuery {
  cursor?: string;
  limit: number;
  tags?: string[];
  statuses?: string[];
}

/**
 * The page a down node would have answered, from its last-known directory: every entry `unknown`
 * and `node_down`, so it matches no status filter.
 */
export function pageOfDownNode(node: string, known: readonly ListedContainer[], query: DirectoryQuery): NodePage {
  if (query.statuses && query.statuses.length > 0) return { containers: [], next_cursor: null };
  const after = query.cursor === undefined ? null : decodeCursor(query.cursor);
  const matching = known
    .filter((c) => after === null || compareKeys(keyOf(c), after) > 0)
    .filter((c) => !query.tags || query.tags.every((t) => (c.tags ?? []).includes(t)))
    .sort((a, b) => compareKeys(keyOf(a), keyOf(b)));
  const containers = matching.slice(0, query.limit).map((c) => ({ ...c, status: 'unknown', node, node_down: true }));
  const last = containers[containers.length - 1];
  return { containers, next_cursor: matching.length > query.limit && last ? encodeCursor(keyOf(last)) : null };
}
