import { ValidationError } from '../common/errors/app-error';
import { compareSpecs, paginate } from './container-page';
import type { ContainerSpec, ContainerStatus } from './container.types';

const make = (n: number, tags: string[] = []): ContainerSpec => ({
  cuid: `c${String(n).padStart(8, '0')}-0000-4000-8000-000000000000`,
  image: 'x',
  env: {},
  tags,
  resources: {},
  ports: [],
  command: null,
  created_at: `2024-01-01T00:00:0${n % 10}.000+00:00`,
  updated_at: '',
});
const sorted = (specs: ContainerSpec[]): ContainerSpec[] => [...specs].sort(compareSpecs);
const created = (): ContainerStatus => 'created';

describe('paginate', () => {
  it('walks every item exactly once in (created_at, cuid) order', () => {
    const all = sorted([5, 3, 1, 4, 2].map((n) => make(n)));
    const first = paginate(all, created, { limit: 2 });
    expect(first.containers.map((c) => c.cuid)).toEqual([make(1).cuid, make(2).cuid]);
    const second = paginate(all, created, { limit: 2, cursor: first.next_cursor! });
    const third = paginate(all, created, { limit: 2, cursor: second.next_cursor! });
    expect(third.containers.map((c) => c.cuid)).toEqual([make(5).cuid]);
    expect(third.next_cursor).toBeNull();
  });

  it('says there is no next page when the last page is exactly full', () => {
    const all = sorted([1, 2].map((n) => make(n)));
    expect(paginate(all, created, { limit: 2 }).next_cursor).toBeNull();
  });

  it('keeps its place when earlier items are deleted between pages', () => {
    const all = sorted([1, 2, 3, 4].map((n) => make(n)));
    const first = paginate(all, created, { limit: 2 });
    const second = paginate(all.slice(1), created, { limit: 2, cursor: first.next_cursor! });
    expect(second.containers.map((c) => c.cuid)).toEqual([make(3).cuid, make(4).cuid]);
  });

  it('filters by status list and by all given tags', () => {
    const all = sorted([make(1, ['a', 'b']), make(2, ['a']), make(3, ['a', 'b'])]);
    const statuses: Record<string, ContainerStatus> = {
      [make(1).cuid]: 'running',
      [make(2).cuid]: 'paused',
      [make(3).cuid]: 'stopped',
    };
    const statusOf = (cuid: string): ContainerStatus => statuses[cuid] ?? 'created';
    expect(paginate(all, statusOf, { limit: 10, statuses: ['running', 'paused'] }).containers).toHaveLength(2);
    expect(paginate(all, statusOf, { limit: 10, tags: ['a', 'b'] }).containers.map((c) => c.status)).toEqual([
      'running',
      'stopped',
    ]);
  });

  it('rejects a cursor it did not issue', () => {
    expect(() => paginate([], created, { limit: 1, cursor: 'bm9wZQ' })).toThrow(ValidationError);
  });
});
