import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AuditLog } from './audit-log';
import { InFlightRequests } from './in-flight-requests';

/**
 * Records the requests a crash cuts short. An uncaught exception ends the process before any
 * response finishes, so their audit lines (and whatever is still queued) are written synchronously
 * from the exception monitor, which observes without changing how the process dies. A V8 heap
 * exhaustion aborts without running any JavaScript and cannot be recorded here: the limits on
 * uploads and frames exist so that it cannot be caused from outside.
 */
@Injectable()
export class FatalAudit implements OnModuleInit, OnApplicationShutdown {
  private readonly monitor = (): void => this.record();

  constructor(
    private readonly audit: AuditLog,
    private readonly inFlight: InFlightRequests,
  ) {}

  onModuleInit(): void {
    process.on('uncaughtExceptionMonitor', this.monitor);
  }

  onApplicationShutdown(): void {
    process.off('uncaughtExceptionMonitor', this.monitor);
  }

  record(): void {
    try {
      this.audit.writeSyncBeforeExit(this.inFlight.crashEntries());
    } catch {
      // The process is dying of another error: this one must not replace it.
    }
  }
}
