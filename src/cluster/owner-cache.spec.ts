import { OwnerCache } from './owner-cache';

describe('OwnerCache', () => {
  it('remembers owners, and a fresh listing of a node replaces what was known of it only', () => {
    const cache = new OwnerCache();
    cache.set('c1', 'n1');
    cache.set('c2', 'n1');
    cache.set('c3', 'n2');
    cache.replaceNode('n1', ['c2', 'c4']);
    expect([cache.get('c1'), cache.get('c2'), cache.get('c3'), cache.get('c4')]).toEqual([undefined, 'n1', 'n2', 'n1']);
    cache.forget('c3');
    expect(cache.get('c3')).toBeUndefined();
  });

  it('is bounded: the oldest entry goes first', () => {
    const cache = new OwnerCache(2);
    cache.set('c1', 'n1');
    cache.set('c2', 'n1');
    cache.set('c1', 'n2'); // refreshed: now the newest
    cache.set('c3', 'n1');
    expect([cache.get('c1'), cache.get('c2'), cache.get('c3')]).toEqual(['n2', undefined, 'n1']);
  });
});
