import { StateError, UnavailableError, ValidationError } from '../common/errors/app-error';

/** The cluster module's stable codes (cluster mode only). */
export const CLUSTER_CODES = {
  NODE_UNAVAILABLE: 'NODE_UNAVAILABLE',
  NODE_NOT_AVAILABLE: 'NODE_NOT_AVAILABLE',
  NO_NODE_AVAILABLE: 'NO_NODE_AVAILABLE',
  UNKNOWN_NODE: 'UNKNOWN_NODE',
  INVALID_PLACEMENT: 'INVALID_PLACEMENT',
} as const;

/** The node that owns the container (or was named) does not answer: 503, try again later. */
export class NodeUnavailableError extends UnavailableError {
  constructor(node: string) {
    super(CLUSTER_CODES.NODE_UNAVAILABLE, `Node ${node} is not reachable`, { node });
  }
}

/** A create named a node that is drained, paused or down in the swarm. */
export class NodeNotAvailableError extends StateError {
  constructor(node: string, availability: string, state: string) {
    super(CLUSTER_CODES.NODE_NOT_AVAILABLE, `Node ${node} takes no new containers`, { node, availability, state });
  }
}

/** No ready, active node matches the create's placement. */
export class NoNodeAvailableError extends StateError {
  constructor(labels: Record<string, string>) {
    super(CLUSTER_CODES.NO_NODE_AVAILABLE, 'No ready, active node matches the placement', { labels });
  }
}

export class UnknownNodeError extends ValidationError {
  constructor(node: string) {
    super(CLUSTER_CODES.UNKNOWN_NODE, 'No node has this hostname', { field: 'node', node: node.slice(0, 64) });
  }
}

export class InvalidPlacementError extends ValidationError {
  constructor(field: string, message: string) {
    super(CLUSTER_CODES.INVALID_PLACEMENT, message, { field });
  }
}
