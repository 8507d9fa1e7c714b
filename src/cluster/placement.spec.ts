import type { NodeFacts } from './node-facts';
import { chooseNode } from './placement';
import { takePlacement } from './placement-request';

const node = (hostname: string, over: Partial<NodeFacts> = {}): NodeFacts => ({
  hostname,
  node_id: hostname,
  role: 'worker',
  state: 'ready',
  availability: 'active',
  labels: {},
  engine_version: '26.1.5',
  containers: { running: 0 },
  memory_free_bytes: 8e9,
  cpus: 4,
  reachable: true,
  ...over,
});

describe('chooseNode', () => {
  it('takes the node with most free memory, then fewest containers, then the first name', () => {
    expect(
      chooseNode([node('a', { memory_free_bytes: 1e9 }), node('b', { memory_free_bytes: 2e9 })], {}).hostname,
    ).toBe('b');
    expect(
      chooseNode([node('a', { containers: { running: 3 } }), node('b', { containers: { running: 1, stopped: 1 } })], {})
        .hostname,
    ).toBe('b');
    expect(chooseNode([node('b'), node('a')], {}).hostname).toBe('a');
  });

  it('never picks a drained, paused, down or unreachable node', () => {
    const nodes = [
      node('a', { availability: 'drain', memory_free_bytes: 9e9 }),
      node('b', { availability: 'pause', memory_free_bytes: 9e9 }),
      node('c', { state: 'down', memory_free_bytes: 9e9 }),
      node('d', { reachable: false, memory_free_bytes: 9e9 }),
      node('e', { memory_free_bytes: 1 }),
    ];
    expect(chooseNode(nodes, {}).hostname).toBe('e');
    expect(() => chooseNode(nodes.slice(0, 4), {})).toThrow(
      expect.objectContaining({ code: 'NO_NODE_AVAILABLE', status: 422 }),
    );
  });

  it('matches every asked label', () => {
    const nodes = [node('a', { labels: { zone: 'a' } }), node('b', { labels: { zone: 'b', disk: 'ssd' } })];
    expect(chooseNode(nodes, { labels: { zone: 'b' } }).hostname).toBe('b');
    expect(() => chooseNode(nodes, { labels: { zone: 'b', disk: 'hdd' } })).toThrow(
      expect.objectContaining({ code: 'NO_NODE_AVAILABLE' }),
    );
  });

  it('honours a named node, and says why it cannot', () => {
    const nodes = [node('a'), node('b', { availability: 'drain', reachable: false }), node('c', { reachable: false })];
    expect(chooseNode(nodes, { node: 'a' }).hostname).toBe('a');
    expect(() => chooseNode(nodes, { node: 'b' })).toThrow(
      expect.objectContaining({ code: 'NODE_NOT_AVAILABLE', status: 422, error: 'state_error' }),
    );
    expect(() => chooseNode(nodes, { node: 'c' })).toThrow(
      expect.objectContaining({ code: 'NODE_UNAVAILABLE', status: 503 }),
    );
    expect(() => chooseNode(nodes, { node: 'zz' })).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_NODE', status: 400 }),
    );
  });
});

describe('takePlacement', () => {
  it('takes node and placement out of the body and leaves the rest', () => {
    expect(takePlacement({ image: 'x', node: 'n1' })).toEqual({ placement: { node: 'n1' }, rest: { image: 'x' } });
    expect(takePlacement({ image: 'x', placement: { labels: { zone: 'a' } } })).toEqual({
      placement: { labels: { zone: 'a' } },
      rest: { image: 'x' },
    });
    expect(takePlacement({ image: 'x' })).toEqual({ placement: {}, rest: { image: 'x' } });
  });

  it.each([
    [{ node: 5 }, 'node'],
    [{ node: '../etc' }, 'node'],
    [{ placement: [] }, 'placement'],
    [{ placement: { labels: { zone: 1 } } }, 'placement.labels'],
    [{ placement: { constraints: [] } }, 'placement.constraints'],
    [{ node: 'a', placement: { labels: { zone: 'a' } } }, 'placement'],
  ])('refuses %j with INVALID_PLACEMENT on %s', (body, field) => {
    expect(() => takePlacement(body as Record<string, unknown>)).toThrow(
      expect.objectContaining({ code: 'INVALID_PLACEMENT', details: { field } }),
    );
  });
});
