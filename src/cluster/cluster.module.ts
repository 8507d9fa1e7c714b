import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module';
import { HealthModule } from '../health/health.module';
import { AuditStamps } from './audit-stamps';
import { ClusterCreate } from './cluster-create';
import { ClusterEvents } from './cluster-events';
import { ClusterListing } from './cluster-listing';
import { ClusterRouter } from './cluster-router';
import { LocalNode } from './local-node';
import { NodeAnswers } from './node-answers';
import { NodeDirectory } from './node-directory';
import { NodesController } from './nodes.controller';
import { OwnerCache } from './owner-cache';
import { OwnerLocator } from './owner-locator';
import { PeerClient } from './peer-client';
import { PeerDiscovery } from './peer-discovery';
import { RequestProxy } from './request-proxy';
import { SelfNode } from './self-node';
import { UpgradeProxy } from './upgrade-proxy';

/**
 * CLUSTER_MODE=swarm: one instance per Swarm node, each the single-host service for its own node's
 * containers, plus this routing layer in front of the same controllers. Inert when the mode is off.
 */
@Module({
  imports: [ContainersModule, HealthModule],
  controllers: [NodesController],
  providers: [
    SelfNode,
    LocalNode,
    PeerDiscovery,
    PeerClient,
    { provide: OwnerCache, useFactory: () => new OwnerCache() },
    NodeDirectory,
    OwnerLocator,
    RequestProxy,
    ClusterListing,
    ClusterCreate,
    ClusterEvents,
    ClusterRouter,
    UpgradeProxy,
    AuditStamps,
    NodeAnswers,
  ],
  exports: [ClusterRouter, UpgradeProxy],
})
export class ClusterModule {}
