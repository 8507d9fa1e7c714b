import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { Request } from 'express';
import { map, Observable } from 'rxjs';
import { AppConfig } from '../common/config/app-config';
import { NodeDirectory } from './node-directory';
import { SelfNode } from './self-node';

/**
 * In cluster mode, answers this node gives about its own containers say `node`, and `/healthz` gets
 * a `cluster` block. Off in single-host mode, so those answers stay exactly as they were.
 */
@Injectable()
export class NodeAnswerInterceptor implements NestInterceptor {
  constructor(
    private readonly config: AppConfig,
    private readonly self: SelfNode,
    private readonly directory: NodeDirectory,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (!this.config.clusterMode || context.getType() !== 'http') return next.handle();
    const path = context.switchToHttp().getRequest<Request>().path.toLowerCase();
    if (path.startsWith('/containers')) return next.handle().pipe(map((body) => this.withNode(body)));
    if (path === '/healthz' || path === '/healthz/') {
      return next.handle().pipe(map((body) => this.withCluster(body)));
    }
    return next.handle();
  }

  private withNode(body: unknown): unknown {
    if (typeof body !== 'object' || body === null) return body;
    const record = body as Record<string, unknown>;
    if (Array.isArray(record.containers)) {
      return { ...record, containers: record.containers.map((c) => this.withNode(c)) };
    }
    return typeof record.cuid === 'string' ? { ...record, node: this.self.name } : body;
  }

  private withCluster(body: unknown): unknown {
    if (typeof body !== 'object' || body === null) return body;
    const peers = this.directory.peers();
    return {
      ...body,
      cluster: {
        mode: 'swarm',
        nodes: peers.length + 1,
        nodes_ready: peers.filter((p) => p.reachable).length + 1,
        self: this.self.name,
      },
    };
  }
}
