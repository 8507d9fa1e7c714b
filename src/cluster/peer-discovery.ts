import { Injectable } from '@nestjs/common';
import { promises as dns } from 'node:dns';
import { AppConfig } from '../common/config/app-config';
import { parsePeerAddress, type PeerAddress } from './peer-address';

/**
 * The instances of this service: Swarm's DNS name `tasks.<service>` (one address per running task, on
 * the overlay network), so membership is the swarm's, never a list of ours. CLUSTER_PEERS replaces
 * it in tests and development. The result may include this instance; identities sort that out.
 */
@Injectable()
export class PeerDiscovery {
  constructor(private readonly config: AppConfig) {}

  async addresses(): Promise<PeerAddress[]> {
    const fixed = this.config.clusterPeers;
    if (fixed.length > 0) return fixed.map(parsePeerAddress);
    try {
      const found = await dns.lookup(`tasks.${this.config.clusterServiceName}`, { all: true });
      return found.map((a) => ({ host: a.address, port: this.config.port }));
    } catch {
      return [];
    }
  }
}
