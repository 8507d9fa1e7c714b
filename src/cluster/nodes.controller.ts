import { Controller, Get, Req } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Audit } from '../audit/audit.decorator';
import { AppConfig } from '../common/config/app-config';
import { NotFoundError } from '../common/errors/app-error';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { forwardedBy } from './forwarded';
import { LocalNode } from './local-node';
import { NodeDirectory } from './node-directory';
import type { LocalNodesAnswer, NodeFacts } from './node-facts';

class NodeDto implements NodeFacts {
  @ApiProperty({ example: 'cm-node1' }) hostname!: string;
  @ApiProperty({ example: 'p2x8v0k3m1q7c5d9w4e6r2t8y' }) node_id!: string;
  @ApiProperty({ enum: ['manager', 'worker'] }) role!: 'manager' | 'worker';
  @ApiProperty({ example: 'ready', description: 'Swarm state: ready, down, unknown, disconnected' }) state!: string;
  @ApiProperty({ example: 'active', description: 'Swarm availability: active, pause, drain' }) availability!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { zone: 'a' } })
  labels!: Record<string, string>;
  @ApiProperty({ example: '26.1.5' }) engine_version!: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { created: 0, running: 3, paused: 0, restarting: 0, stopped: 1, dead: 0 },
  })
  containers!: Record<string, number>;
  @ApiProperty({ description: "Engine memory less the limits of the node's running containers" })
  memory_free_bytes!: number;
  @ApiProperty({ example: 4 }) cpus!: number;
  @ApiProperty({ description: "False when this node's instance does not answer" }) reachable!: boolean;
}

class NodeListDto {
  @ApiProperty({ type: [NodeDto] }) nodes!: NodeDto[];
}

@ApiTags('cluster')
@Controller('nodes')
export class NodesController {
  constructor(
    private readonly config: AppConfig,
    private readonly local: LocalNode,
    private readonly directory: NodeDirectory,
  ) {}

  @Get()
  @Audit('cluster.nodes')
  @ApiOperation({
    operationId: 'listNodes',
    summary: 'Cluster mode only: every node with its Swarm state, availability, labels and load',
  })
  @ApiOkResponse({ type: NodeListDto })
  @ApiErrors({ 404: 'ROUTE_NOT_FOUND' })
  async list(@Req() req: Request): Promise<{ nodes: NodeFacts[] } | LocalNodesAnswer> {
    // Single-host mode answers exactly as before the route existed.
    if (!this.config.clusterMode) throw new NotFoundError('ROUTE_NOT_FOUND', 'No such route');
    if (forwardedBy(req) !== null) {
      const swarm = await this.local.swarmNodes().catch(() => undefined);
      return { nodes: [await this.local.facts()], ...(swarm ? { swarm_nodes: swarm } : {}) };
    }
    return { nodes: await this.directory.nodes() };
  }
}
