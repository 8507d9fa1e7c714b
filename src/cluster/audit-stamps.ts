import { Injectable, OnModuleInit } from '@nestjs/common';
import type { AuditEntry } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import { AppConfig } from '../common/config/app-config';
import { OwnerLocator } from './owner-locator';
import { SelfNode } from './self-node';

/**
 * In cluster mode every audit entry says which node served it (`served_by`) and, when a container is
 * involved, which node owns it (`owner_node`). The owner is noted when the request is routed, since a
 * delete leaves nothing to look up by the time its entry is written.
 */
@Injectable()
export class AuditStamps implements OnModuleInit {
  private readonly ownerByRequest = new Map<string, string>();

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
    private readonly self: SelfNode,
    private readonly locator: OwnerLocator,
  ) {}

  onModuleInit(): void {
    if (this.config.clusterMode) this.audit.addStamp((entry) => this.stamp(entry));
  }

  noteOwner(requestId: string, node: string): void {
    this.ownerByRequest.set(requestId, node);
  }

  private stamp(entry: AuditEntry): AuditEntry {
    const noted = this.ownerByRequest.get(entry.request_id);
    this.ownerByRequest.delete(entry.request_id);
    const owner = noted ?? (entry.cuid ? this.locator.knownOwner(entry.cuid) : null);
    return { ...entry, served_by: this.self.name, ...(entry.cuid ? { owner_node: owner } : {}) };
  }
}
