import type { OpenAPIObject } from '@nestjs/swagger';
import type {
  OperationObject,
  ResponseObject,
  SchemaObject,
} from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { CLUSTER_CODES } from '../cluster/cluster.errors';

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;
const CLUSTER_ONLY = 'Cluster mode (CLUSTER_MODE=swarm) only.';

/**
 * Cluster mode's additions to the document, which live in the cluster's routing layer rather than in
 * the single-host DTOs (so a single host still refuses `node` as an unknown field): the create's
 * `node`/`placement`, the listing's `node` filter, the container's `node`/`node_down`, and the codes.
 * Runs before documentErrorCodes, which turns the `Error codes:` lists into enums.
 */
export function documentCluster(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (!op) continue;
      if (path.startsWith('/containers/{cuid}')) addCodes(op, 503, [CLUSTER_CODES.NODE_UNAVAILABLE]);
    }
  }
  const create = document.paths['/containers']?.post;
  if (create) {
    addCodes(create, 400, [CLUSTER_CODES.UNKNOWN_NODE, CLUSTER_CODES.INVALID_PLACEMENT]);
    addCodes(create, 422, [CLUSTER_CODES.NODE_NOT_AVAILABLE, CLUSTER_CODES.NO_NODE_AVAILABLE]);
    addCodes(create, 503, [CLUSTER_CODES.NODE_UNAVAILABLE]);
  }
  const list = document.paths['/containers']?.get;
  if (list) {
    addCodes(list, 400, [CLUSTER_CODES.UNKNOWN_NODE]);
    (list.parameters ??= []).push({
      name: 'node',
      in: 'query',
      required: false,
      description: `${CLUSTER_ONLY} Comma list of node hostnames: only their containers.`,
      schema: { type: 'string' },
    });
  }
  const schemas = document.components?.schemas ?? {};
  const createBody = schemas.CreateContainerDto as SchemaObject | undefined;
  if (createBody) {
    createBody.properties = {
      ...createBody.properties,
      node: {
        type: 'string',
        description: `${CLUSTER_ONLY} Hostname of the node to create it on (422 NODE_NOT_AVAILABLE when drained).`,
      },
      placement: {
        type: 'object',
        description: `${CLUSTER_ONLY} Place on a ready, active node carrying all these Swarm node labels.`,
        properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } },
      },
    };
  }
  const health = schemas.HealthDto as SchemaObject | undefined;
  if (health?.properties) {
    health.properties.cluster = {
      type: 'object',
      description: CLUSTER_ONLY,
      required: ['mode', 'nodes', 'nodes_ready', 'self'],
      properties: {
        mode: { type: 'string', enum: ['swarm'] },
        nodes: { type: 'integer', description: 'Nodes this instance knows of, itself included' },
        nodes_ready: { type: 'integer', description: 'Of them, those up (answering, engine working, not down)' },
        self: { type: 'string', description: "This instance's node hostname" },
      },
    };
  }
  for (const name of ['ContainerDto', 'UpdateResultDto']) {
    const container = schemas[name] as SchemaObject | undefined;
    if (!container?.properties) continue;
    container.properties.node = { type: 'string', description: `${CLUSTER_ONLY} Hostname of the owning node.` };
    container.properties.node_down = {
      type: 'boolean',
      description: `${CLUSTER_ONLY} In listings: the owning node is down; the entry is its last-known state and status is \`unknown\`.`,
    };
    const status = container.properties.status as SchemaObject | undefined;
    const values = (status?.enum ?? []) as unknown[];
    if (status && values.length > 0 && !values.includes('unknown')) status.enum = [...values, 'unknown'];
  }
  return document;
}

function addCodes(op: OperationObject, status: number, codes: string[]): void {
  const responses = op.responses;
  const existing = responses[status] as ResponseObject | undefined;
  const listed = /^Error codes: (.+)$/.exec(existing?.description ?? '')?.[1];
  const all = [...new Set([...(listed ? listed.split(',').map((c) => c.trim()) : []), ...codes])];
  responses[status] = {
    ...(existing ?? {}),
    description: `Error codes: ${all.join(', ')}`,
  };
}
