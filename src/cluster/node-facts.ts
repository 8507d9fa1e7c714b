/** One node as `GET /nodes` describes it. */
export interface NodeFacts {
  hostname: string;
  node_id: string;
  role: 'manager' | 'worker';
  /** Swarm state: `ready`, `down`, `unknown`, … (reachable peers count as ready without a manager's view). */
  state: string;
  /** Swarm availability: `active`, `pause`, `drain`. */
  availability: string;
  labels: Record<string, string>;
  engine_version: string;
  containers: Record<string, number>;
  memory_free_bytes: number;
  cpus: number;
  reachable: boolean;
}

/** What a manager's engine says about one node (`docker node inspect`). */
export interface SwarmNode {
  node_id: string;
  hostname: string;
  role: 'manager' | 'worker';
  state: string;
  availability: string;
  labels: Record<string, string>;
}

/** A peer's local answer to `GET /nodes` (X-CM-Forwarded): itself, plus the swarm's view on a manager. */
export interface LocalNodesAnswer {
  nodes: NodeFacts[];
  swarm_nodes?: SwarmNode[];
}

/** Facts of a node with the swarm's view laid over them, if there is one. */
export function withSwarmView(facts: NodeFacts, swarm: SwarmNode | undefined): NodeFacts {
  if (!swarm) return facts;
  return {
    ...facts,
    node_id: swarm.node_id || facts.node_id,
    role: swarm.role,
    state: swarm.state,
    availability: swarm.availability,
    labels: swarm.labels,
  };
}
