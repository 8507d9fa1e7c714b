import { errorCodes } from '../common/errors/error-codes';
import { StateError, UnavailableError, ValidationError } from '../common/errors/app-error';

/** Codes of cluster mode (answered only when CLUSTER_MODE=swarm). */
export const ClusterErrorCode = errorCodes(
  'NODE_UNAVAILABLE',
  'NODE_NOT_AVAILABLE',
  'NO_NODE_AVAILABLE',
  'UNKNOWN_NODE',
  'INVALID_PLACEMENT',
);

declare module '../common/errors/error-codes' {
  interface ErrorCodes {
    cluster: typeof ClusterErrorCode;
  }
}

/** The node that owns the container (or was named) does not answer: 503, try again later. */
export class NodeUnavailableError extends UnavailableError {
  constructor(node: string) {
    super(ClusterErrorCode.NODE_UNAVAILABLE, `Node ${node} is not reachable`, { node });
  }
}

/** A create named a node that is drained, paused or down in the swarm. */
export class NodeNotAvailableError extends StateError {
  constructor(node: string, availability: string, state: string) {
    super(ClusterErrorCode.NODE_NOT_AVAILABLE, `Node ${node} takes no new containers`, { node, availability, state });
  }
}

/** No ready, active node matches the create's placement. */
export class NoNodeAvailableError extends StateError {
  constructor(labels: Record<string, string>) {
    super(ClusterErrorCode.NO_NODE_AVAILABLE, 'No ready, active node matches the placement', { labels });
  }
}

export class UnknownNodeError extends ValidationError {
  constructor(node: string) {
    super(ClusterErrorCode.UNKNOWN_NODE, 'No node has this hostname', { field: 'node', node: node.slice(0, 64) });
  }
}

export class InvalidPlacementError extends ValidationError {
  constructor(field: string, message: string) {
    super(ClusterErrorCode.INVALID_PLACEMENT, message, { field });
  }
}
