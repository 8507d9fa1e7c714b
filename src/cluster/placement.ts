import { NodeNotAvailableError, NodeUnavailableError, NoNodeAvailableError, UnknownNodeError } from './cluster.errors';
import type { NodeFacts } from './node-facts';

export interface PlacementRequest {
  node?: string;
  labels?: Record<string, string>;
}

/** A node takes new containers when it answers and the swarm has it ready and active. */
export function takesContainers(n: NodeFacts): boolean {
  return n.reachable && n.state === 'ready' && n.availability === 'active';
}

function containerCount(n: NodeFacts): number {
  return Object.values(n.containers).reduce((sum, v) => sum + v, 0);
}

/**
 * Picks the node a create goes to: the named one (refused when drained or down), else among ready,
 * active nodes carrying every asked label, the one with most free memory, then fewest containers,
 * then by name so the choice is stable.
 */
export function chooseNode(nodes: readonly NodeFacts[], request: PlacementRequest): NodeFacts {
  if (request.node !== undefined) {
    const named = nodes.find((n) => n.hostname === request.node);
    if (!named) throw new UnknownNodeError(request.node);
    // Drained first: a drained node's instance is stopped by the swarm too, yet the answer is "drained".
    if (named.availability !== 'active') {
      throw new NodeNotAvailableError(named.hostname, named.availability, named.state);
    }
    if (!named.reachable) throw new NodeUnavailableError(named.hostname);
    if (!takesContainers(named)) throw new NodeNotAvailableError(named.hostname, named.availability, named.state);
    return named;
  }
  const labels = request.labels ?? {};
  const candidates = nodes
    .filter(takesContainers)
    .filter((n) => Object.entries(labels).every(([k, v]) => n.labels[k] === v))
    .sort(
      (a, b) =>
        b.memory_free_bytes - a.memory_free_bytes ||
        containerCount(a) - containerCount(b) ||
        a.hostname.localeCompare(b.hostname),
    );
  const best = candidates[0];
  if (!best) throw new NoNodeAvailableError(labels);
  return best;
}
