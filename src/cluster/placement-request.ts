import { InvalidPlacementError } from './cluster.errors';
import type { PlacementRequest } from './placement';

const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,62}$/;
const MAX_LABELS = 32;

/**
 * Takes `node` and `placement` out of a create body (they are the cluster's, not the container's:
 * the owning node gets the body without them) and checks their shape.
 */
export function takePlacement(body: Record<string, unknown>): {
  placement: PlacementRequest;
  rest: Record<string, unknown>;
} {
  const { node, placement, ...rest } = body;
  const out: PlacementRequest = {};
  if (node !== undefined && node !== null) {
    if (typeof node !== 'string' || !NAME.test(node))
      throw new InvalidPlacementError('node', 'node must be a node hostname');
    out.node = node;
  }
  if (placement !== undefined && placement !== null) {
    if (typeof placement !== 'object' || Array.isArray(placement)) {
      throw new InvalidPlacementError('placement', 'placement must be an object like {"labels":{"zone":"a"}}');
    }
    const { labels, ...other } = placement as Record<string, unknown>;
    const extra = Object.keys(other)[0];
    if (extra !== undefined)
      throw new InvalidPlacementError(`placement.${extra.slice(0, 64)}`, 'placement takes only labels');
    if (labels !== undefined) {
      if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) {
        throw new InvalidPlacementError('placement.labels', 'placement.labels must be an object of strings');
      }
      const entries = Object.entries(labels as Record<string, unknown>);
      if (
        entries.length > MAX_LABELS ||
        entries.some(([k, v]) => typeof v !== 'string' || k.length > 255 || v.length > 255)
      ) {
        throw new InvalidPlacementError(
          'placement.labels',
          `placement.labels must be at most ${MAX_LABELS} short strings`,
        );
      }
      out.labels = Object.fromEntries(entries) as Record<string, string>;
    }
  }
  if (out.node !== undefined && out.labels !== undefined) {
    throw new InvalidPlacementError('placement', 'give node or placement, not both');
  }
  return { placement: out, rest };
}
