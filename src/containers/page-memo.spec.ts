import type { Page } from './container-page';
import { PageMemo } from './page-memo';

const page = (): Page => ({ containers: [], next_cursor: null });

describe('PageMemo', () => {
  it('hands out the same page for the same query while the version stays', () => {
    const memo = new PageMemo();
    const build = jest.fn(page);
    const first = memo.get('1:1:1', 'q', build);
    expect(memo.get('1:1:1', 'q', build)).toBe(first);
    expect(build).toHaveBeenCalledTimes(1);
  });

  it('builds again for another query, and for every query once the version moved', () => {
    const memo = new PageMemo();
    const build = jest.fn(page);
    const a = memo.get('1:1:1', 'a', build);
    expect(memo.get('1:1:1', 'b', build)).not.toBe(a);
    expect(memo.get('1:2:1', 'a', build)).not.toBe(a);
    expect(build).toHaveBeenCalledTimes(3);
  });

  it('keeps nothing a build threw for (a bad cursor stays a 400 every time)', () => {
    const memo = new PageMemo();
    const bad = (): Page => {
      throw new Error('INVALID_CURSOR');
    };
    expect(() => memo.get('1', 'c', bad)).toThrow('INVALID_CURSOR');
    expect(() => memo.get('1', 'c', bad)).toThrow('INVALID_CURSOR');
  });
});
