import { Injectable, Logger } from '@nestjs/common';
import { hostname } from 'node:os';
import { AppConfig } from '../common/config/app-config';
import { ComposeRunner } from '../compose/compose-runner';

interface DockerInfo {
  Name?: string;
  NCPU?: number;
  MemTotal?: number;
  ServerVersion?: string;
  Swarm?: { NodeID?: string; LocalNodeState?: string; ControlAvailable?: boolean };
}

export interface Identity {
  hostname: string;
  nodeId: string;
  role: 'manager' | 'worker';
  /** The engine is part of an active swarm (else node facts cannot come from a manager). */
  inSwarm: boolean;
  engineVersion: string;
  cpus: number;
  memoryTotalBytes: number;
}

/**
 * Who this instance is: the local engine's `docker info` (its Swarm node id, name, role, size). Nodes
 * are engines, so the engine's name is the node's hostname; CLUSTER_NODE_NAME overrides it for tests
 * that run several instances on one engine.
 */
@Injectable()
export class SelfNode {
  private readonly logger = new Logger('Cluster');
  private identity: Identity;
  private loaded: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly runner: ComposeRunner,
  ) {
    this.identity = {
      hostname: config.clusterNodeName || hostname(),
      nodeId: config.clusterNodeName || hostname(),
      role: 'worker',
      inSwarm: false,
      engineVersion: '',
      cpus: 0,
      memoryTotalBytes: 0,
    };
  }

  get name(): string {
    return this.identity.hostname;
  }

  get current(): Identity {
    return this.identity;
  }

  /** Reads `docker info` once it succeeds; until then the fallback identity (host name) stands. */
  async load(): Promise<Identity> {
    this.loaded ??= this.read().catch((err: unknown) => {
      this.loaded = null;
      this.logger.warn(`docker info failed: ${err instanceof Error ? err.message : String(err)}`);
    });
    await this.loaded;
    return this.identity;
  }

  private async read(): Promise<void> {
    const { stdout } = await this.runner.runDocker(['info', '--format', '{{json .}}'], { timeoutMs: 10_000 });
    const info = JSON.parse(stdout) as DockerInfo;
    const override = this.config.clusterNodeName;
    const inSwarm = info.Swarm?.LocalNodeState === 'active';
    this.identity = {
      hostname: override || info.Name || this.identity.hostname,
      nodeId: override || (inSwarm && info.Swarm?.NodeID) || info.Name || this.identity.nodeId,
      role: info.Swarm?.ControlAvailable ? 'manager' : 'worker',
      inSwarm,
      engineVersion: info.ServerVersion ?? '',
      cpus: info.NCPU ?? 0,
      memoryTotalBytes: info.MemTotal ?? 0,
    };
  }
}
