import { decodeCursor } from '../containers/container-page';
import { mergePages, pageOfDownNode, type ListedContainer, type NodePage } from './page-merge';

const c = (cuid: string, created: string, node: string, tags: string[] = []): ListedContainer => ({
  cuid,
  created_at: `2026-01-01T00:00:${created}.000+00:00`,
  node,
  tags,
  status: 'running',
});

/** A node as the service answers: `limit` items after the cursor, in keyset order. */
function nodePage(all: ListedContainer[], cursor: string | undefined, limit: number): NodePage {
  const after = cursor ? decodeCursor(cursor) : null;
  const rest = all.filter((x) => !after || [x.created_at, x.cuid].join() > after.join());
  const containers = rest.slice(0, limit);
  const last = containers[containers.length - 1];
  return {
    containers,
    next_cursor:
      rest.length > limit && last
        ? Buffer.from(JSON.stringify([last.created_at, last.cuid])).toString('base64url')
        : null,
  };
}

describe('mergePages', () => {
  const n1 = [c('ca', '01', 'n1'), c('cd', '04', 'n1'), c('cg', '07', 'n1')];
  const n2 = [c('cb', '02', 'n2'), c('ce', '05', 'n2')];
  const n3 = [c('cc', '03', 'n3'), c('cf', '06', 'n3'), c('ch', '08', 'n3'), c('ci', '09', 'n3')];

  it.each([1, 2, 3, 4, 50])('pages every container of every node exactly once, in order (limit %i)', (limit) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let round = 0; round < 20; round += 1) {
      const page = mergePages(
        [nodePage(n1, cursor, limit), nodePage(n2, cursor, limit), nodePage(n3, cursor, limit)],
        limit,
      );
      expect(page.containers.length).toBeLessThanOrEqual(limit);
      seen.push(...page.containers.map((x) => x.cuid));
      if (!page.next_cursor) break;
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(['ca', 'cb', 'cc', 'cd', 'ce', 'cf', 'cg', 'ch', 'ci']);
  });

  it('gives no cursor when the union fits the page, and one when a node had more', () => {
    expect(mergePages([nodePage(n1, undefined, 5), nodePage(n2, undefined, 5)], 5).next_cursor).toBeNull();
    const cut = mergePages([{ containers: [n1[0]!], next_cursor: 'more' }], 5);
    expect(cut.next_cursor).not.toBeNull();
    expect(decodeCursor(cut.next_cursor!)).toEqual([n1[0]!.created_at, 'ca']);
  });

  it('keeps a cuid listed twice once', () => {
    const page = mergePages(
      [
        { containers: [n1[0]!], next_cursor: null },
        { containers: [n1[0]!], next_cursor: null },
      ],
      10,
    );
    expect(page.containers.map((x) => x.cuid)).toEqual(['ca']);
  });
});

describe('pageOfDownNode', () => {
  const known = [c('cx', '03', 'n3', ['web']), c('cy', '01', 'n3'), c('cz', '02', 'n3', ['web'])];

  it('lists the last-known containers as unknown and node_down, in order, after the cursor', () => {
    const first = pageOfDownNode('n3', known, { limit: 2 });
    expect(first.containers.map((x) => [x.cuid, x.status, x.node_down, x.node])).toEqual([
      ['cy', 'unknown', true, 'n3'],
      ['cz', 'unknown', true, 'n3'],
    ]);
    const second = pageOfDownNode('n3', known, { limit: 2, cursor: first.next_cursor! });
    expect(second.containers.map((x) => x.cuid)).toEqual(['cx']);
    expect(second.next_cursor).toBeNull();
  });

  it('matches tag filters, and no status filter (its status is unknown)', () => {
    expect(pageOfDownNode('n3', known, { limit: 10, tags: ['web'] }).containers.map((x) => x.cuid)).toEqual([
      'cz',
      'cx',
    ]);
    expect(pageOfDownNode('n3', known, { limit: 10, statuses: ['running'] }).containers).toEqual([]);
  });

  it('refuses a cursor this service did not issue', () => {
    expect(() => pageOfDownNode('n3', known, { limit: 1, cursor: 'garbage' })).toThrow(
      expect.objectContaining({ code: 'INVALID_CURSOR' }),
    );
  });
});
