import { Injectable } from '@nestjs/common';
import { ProjectStore } from '../containers/project-store';
import { NodeDirectory, type PeerRecord } from './node-directory';
import { OwnerCache } from './owner-cache';
import { PeerClient } from './peer-client';
import { SelfNode } from './self-node';

export type Owner =
  { kind: 'local' } | { kind: 'peer'; record: PeerRecord } | { kind: 'down'; hostname: string } | { kind: 'none' };

/**
 * Finds the node that owns a cuid: this node's own projects first, then the owner cache (filled by
 * the directory's listings and by creates), and only on a miss a fan-out to the reachable peers.
 */
@Injectable()
export class OwnerLocator {
  constructor(
    private readonly self: SelfNode,
    private readonly store: ProjectStore,
    private readonly owners: OwnerCache,
    private readonly directory: NodeDirectory,
    private readonly client: PeerClient,
  ) {}

  /** The owner's hostname when known without asking anyone (for the audit's `owner_node`). */
  knownOwner(cuid: string): string | null {
    if (this.store.get(cuid)) return this.self.name;
    return this.owners.get(cuid) ?? null;
  }

  async locate(cuid: string, authorization: string | undefined): Promise<Owner> {
    if (this.store.get(cuid)) return { kind: 'local' };
    const cached = this.owners.get(cuid);
    if (cached !== undefined && cached !== this.self.name) {
      const record = this.directory.peer(cached);
      if (record && this.directory.isUp(cached)) return { kind: 'peer', record };
      if (record) return { kind: 'down', hostname: cached };
    }
    const found = await this.fanOut(cuid, authorization);
    if (found) {
      this.owners.set(cuid, found.hostname);
      return { kind: 'peer', record: found };
    }
    return { kind: 'none' };
  }

  private async fanOut(cuid: string, authorization: string | undefined): Promise<PeerRecord | null> {
    const reachable = this.directory.peers().filter((p) => p.reachable);
    const answers = await Promise.all(
      reachable.map((p) =>
        this.client
          .call(p.address, { method: 'GET', path: `/containers/${cuid}/status`, authorization })
          .then((a) => (a.status === 200 ? p : null))
          .catch(() => null),
      ),
    );
    return answers.find((a) => a !== null) ?? null;
  }
}
