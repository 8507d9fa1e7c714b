import { Injectable } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { parseMemorySize } from '../common/units';
import { ComposeRunner } from '../compose/compose-runner';
import { CONTAINER_STATUSES } from '../containers/container.types';
import { ProjectStore } from '../containers/project-store';
import { StateCache } from '../containers/state-cache';
import type { NodeFacts, SwarmNode } from './node-facts';
import { SelfNode } from './self-node';

/** Statuses whose containers hold their memory limit. */
const HOLDING = new Set(['running', 'paused', 'restarting']);

interface InspectedNode {
  ID: string;
  Spec?: { Role?: string; Availability?: string; Labels?: Record<string, string> };
  Description?: { Hostname?: string };
  Status?: { State?: string };
}

/**
 * This node's facts for `GET /nodes`, and, on a manager, the swarm's view of every node. Free memory
 * is the engine's total less the memory limits of this node's running containers: what placement
 * can still promise (every node's instance sees the same host-wide /proc/meminfo in nested engines).
 */
@Injectable()
export class LocalNode {
  private swarmCache: { at: number; nodes: SwarmNode[] } | null = null;

  constructor(
    private readonly self: SelfNode,
    private readonly store: ProjectStore,
    private readonly cache: StateCache,
    private readonly runner: ComposeRunner,
    private readonly config: AppConfig,
  ) {}

  async facts(): Promise<NodeFacts> {
    const id = await this.self.load();
    const containers: Record<string, number> = Object.fromEntries(CONTAINER_STATUSES.map((s) => [s, 0]));
    let reserved = 0;
    for (const spec of this.store.all()) {
      const status = this.cache.get(spec.cuid)?.status ?? 'created';
      containers[status] = (containers[status] ?? 0) + 1;
      if (HOLDING.has(status) && spec.resources.memory) reserved += parseMemorySize(spec.resources.memory)?.bytes ?? 0;
    }
    return {
      hostname: id.hostname,
      node_id: id.nodeId,
      role: id.role,
      state: 'ready',
      availability: 'active',
      labels: {},
      engine_version: id.engineVersion,
      containers,
      memory_free_bytes: Math.max(0, id.memoryTotalBytes - reserved),
      cpus: id.cpus,
      reachable: true,
    };
  }

  /** `docker node inspect` of every node, on a manager only (workers' engines refuse it); cached briefly. */
  async swarmNodes(): Promise<SwarmNode[] | undefined> {
    const id = await this.self.load();
    if (!id.inSwarm || id.role !== 'manager') return undefined;
    const now = Date.now();
    if (this.swarmCache && now - this.swarmCache.at < this.config.clusterRefreshMs / 2) return this.swarmCache.nodes;
    const ids = (await this.runner.runDocker(['node', 'ls', '-q'], { timeoutMs: 10_000 })).stdout.split(/\s+/);
    const wanted = ids.filter((i) => /^[a-z0-9]+$/i.test(i));
    if (wanted.length === 0) return [];
    const { stdout } = await this.runner.runDocker(['node', 'inspect', ...wanted], { timeoutMs: 10_000 });
    const nodes = (JSON.parse(stdout) as InspectedNode[]).map((n): SwarmNode => ({
      node_id: n.ID,
      hostname: n.Description?.Hostname ?? n.ID,
      role: n.Spec?.Role === 'manager' ? 'manager' : 'worker',
      state: n.Status?.State ?? 'unknown',
      availability: n.Spec?.Availability ?? 'active',
      labels: n.Spec?.Labels ?? {},
    }));
    this.swarmCache = { at: now, nodes };
    return nodes;
  }
}
