import { Injectable, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { ContainerViews, type ContainerViewPart, type ViewFields } from '../containers/container-views';
import { HealthService } from '../health/health.service';
import { NodeDirectory } from './node-directory';
import { SelfNode } from './self-node';

/**
 * In cluster mode, answers this node gives about its own containers say `node`, and `/healthz` gets
 * a `cluster` block. Nothing is registered in single-host mode, so those answers stay exactly as they were.
 */
@Injectable()
export class NodeAnswers implements ContainerViewPart, OnModuleInit {
  private named = '';
  private renames = 0;

  constructor(
    private readonly config: AppConfig,
    private readonly self: SelfNode,
    private readonly directory: NodeDirectory,
    private readonly views: ContainerViews,
    private readonly health: HealthService,
  ) {}

  onModuleInit(): void {
    if (!this.config.clusterMode) return;
    this.views.addPart(this);
    this.health.addSection('cluster', () => this.cluster());
  }

  /** The name is the engine's once `docker info` answered, the host's until then. */
  get version(): number {
    if (this.self.name !== this.named) {
      this.named = this.self.name;
      this.renames += 1;
    }
    return this.renames;
  }

  fieldsOf(): ViewFields {
    return { node: this.self.name };
  }

  /** Status and delete answers say where the container is too. */
  fieldsAbout(): ViewFields {
    return this.fieldsOf();
  }

  private cluster(): ViewFields {
    const peers = this.directory.peers();
    return {
      mode: 'swarm',
      nodes: peers.length + 1,
      nodes_ready: peers.filter((p) => p.reachable).length + 1,
      self: this.self.name,
    };
  }
}
