import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { LocalNode } from './local-node';
import { withSwarmView, type LocalNodesAnswer, type NodeFacts, type SwarmNode } from './node-facts';
import { OwnerCache } from './owner-cache';
import { addressKey, type PeerAddress } from './peer-address';
import { PeerClient } from './peer-client';
import { PeerDiscovery } from './peer-discovery';
import type { ListedContainer, NodePage } from './page-merge';
import { SelfNode } from './self-node';

/** What this instance last learnt of one peer node. */
export interface PeerRecord {
  hostname: string;
  address: PeerAddress;
  facts: NodeFacts;
  /** Its containers at the last successful refresh: what is listed (as `unknown`) while it is down. */
  containers: ListedContainer[];
  reachable: boolean;
  lastSeenAt: number;
}

const PAGE = 500;

/**
 * The per-peer directory: node facts and last-known containers of every peer, refreshed every
 * CLUSTER_REFRESH_MS (and marked unreachable at once when a call to the peer fails). Fills the owner cache.
 */
@Injectable()
export class NodeDirectory implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Cluster');
  private readonly records = new Map<string, PeerRecord>();
  private swarm: SwarmNode[] | undefined;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly self: SelfNode,
    private readonly local: LocalNode,
    private readonly discovery: PeerDiscovery,
    private readonly client: PeerClient,
    private readonly owners: OwnerCache,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.clusterMode) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.config.clusterRefreshMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.client.agent.destroy();
  }

  /** This instance over loopback (it is one of the cluster's nodes for pages and creates too). */
  get selfAddress(): PeerAddress {
    const host = this.config.host;
    return { host: host === '0.0.0.0' || host === '::' || host === '' ? '127.0.0.1' : host, port: this.config.port };
  }

  peers(): PeerRecord[] {
    return [...this.records.values()]
      .map((r) => (r.reachable && !this.isUp(r.hostname) ? { ...r, reachable: false } : r))
      .sort((a, b) => a.hostname.localeCompare(b.hostname));
  }

  peer(hostname: string): PeerRecord | undefined {
    return this.records.get(hostname);
  }

  /**
   * A peer is up while its instance answers, its engine works (its listing succeeds) and the swarm
   * does not call its node down: an instance whose dockerd died still answers HTTP, with 503s.
   */
  isUp(hostname: string): boolean {
    const record = this.records.get(hostname);
    const swarmState = this.swarm?.find((s) => s.hostname === hostname)?.state;
    return record !== undefined && record.reachable && swarmState !== 'down';
  }

  /** Every node, this one first, with the swarm's view (state, availability, labels) where a manager gave one. */
  async nodes(): Promise<NodeFacts[]> {
    const view = (name: string): SwarmNode | undefined => this.swarm?.find((s) => s.hostname === name);
    const own = withSwarmView(await this.local.facts(), view(this.self.name));
    const peers = this.peers().map((p) => {
      const facts = withSwarmView(p.facts, view(p.hostname));
      return p.reachable
        ? facts
        : { ...facts, reachable: false, state: facts.state === 'ready' ? 'unknown' : facts.state };
    });
    const known = new Set([own.hostname, ...peers.map((p) => p.hostname)]);
    const unseen = (this.swarm ?? []).filter((s) => !known.has(s.hostname)).map((s) => unseenNode(s));
    return [own, ...peers, ...unseen];
  }

  markUnreachable(hostname: string): void {
    const record = this.records.get(hostname);
    if (record) record.reachable = false;
  }

  /** One refresh round at a time; a slow peer delays only its own record. */
  refresh(): Promise<void> {
    this.running ??= this.refreshAll().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refreshAll(): Promise<void> {
    const addresses = await this.discovery.addresses();
    const seen = new Set<string>();
    await Promise.all(addresses.map((a) => this.refreshPeer(a, seen)));
    for (const record of this.records.values()) if (!seen.has(record.hostname)) record.reachable = false;
    try {
      this.swarm = (await this.local.swarmNodes()) ?? this.swarm;
    } catch (err) {
      this.logger.warn(`docker node inspect failed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async refreshPeer(address: PeerAddress, seen: Set<string>): Promise<void> {
    let answer: LocalNodesAnswer;
    try {
      const probe = await this.client.json<LocalNodesAnswer>(address, { path: '/nodes' });
      if (probe.status !== 200 || !probe.body.nodes?.[0]) return;
      answer = probe.body;
    } catch {
      return; // not answering: its record (if any) is marked unreachable by the caller
    }
    const facts = answer.nodes[0];
    if (!facts || facts.hostname === this.self.name) return;
    // A worker's engine cannot list nodes: it takes a manager peer's view (a manager keeps its own).
    if (answer.swarm_nodes && this.self.current.role !== 'manager') this.swarm = answer.swarm_nodes;
    // A listing that fails (its engine is gone: 503) makes the node down; its last-known list stays.
    const containers = await this.listAll(address).catch(() => null);
    const previous = this.records.get(facts.hostname);
    if (containers === null) {
      if (previous) Object.assign(previous, { facts, address, reachable: false });
      else
        this.records.set(facts.hostname, {
          hostname: facts.hostname,
          address,
          facts,
          containers: [],
          reachable: false,
          lastSeenAt: 0,
        });
      return;
    }
    seen.add(facts.hostname);
    this.records.set(facts.hostname, {
      hostname: facts.hostname,
      address,
      facts,
      containers,
      reachable: true,
      lastSeenAt: Date.now(),
    });
    this.owners.replaceNode(
      facts.hostname,
      containers.map((c) => c.cuid),
    );
    if (!previous) this.logger.log(`peer ${facts.hostname} at ${addressKey(address)}`);
  }

  private async listAll(address: PeerAddress): Promise<ListedContainer[]> {
    const all: ListedContainer[] = [];
    let cursor: string | null = null;
    do {
      const path: string = `/containers?limit=${PAGE}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await this.client.json<NodePage>(address, { path });
      if (page.status !== 200) throw new Error(`listing answered ${page.status}`);
      all.push(...page.body.containers);
      cursor = page.body.next_cursor;
    } while (cursor);
    return all;
  }
}

function unseenNode(s: SwarmNode): NodeFacts {
  return {
    hostname: s.hostname,
    node_id: s.node_id,
    role: s.role,
    state: s.state,
    availability: s.availability,
    labels: s.labels,
    engine_version: '',
    containers: {},
    memory_free_bytes: 0,
    cpus: 0,
    reachable: false,
  };
}
