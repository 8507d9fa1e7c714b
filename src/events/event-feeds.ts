import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { AuditLog } from '../audit/audit-log';
import { StateCache } from '../containers/state-cache';
import { EventHub } from './event-hub';
import { fromAuditEntry, fromDockerEvent } from './event-sources';

/** Feeds the hub from the state cache's `docker events` stream and the audit pipeline: no polling. */
@Injectable()
export class EventFeeds implements OnModuleInit, OnApplicationShutdown {
  private readonly subscriptions = new Subscription();

  constructor(
    private readonly hub: EventHub,
    private readonly cache: StateCache,
    private readonly audit: AuditLog,
  ) {}

  onModuleInit(): void {
    this.subscriptions.add(
      this.cache.dockerEvents.subscribe((e) => {
        const event = fromDockerEvent(e);
        if (event) this.hub.publish(event);
      }),
    );
    this.subscriptions.add(
      this.audit.entries.subscribe((e) => {
        const event = fromAuditEntry(e);
        if (event) this.hub.publish(event);
      }),
    );
  }

  onApplicationShutdown(): void {
    this.subscriptions.unsubscribe();
  }
}
