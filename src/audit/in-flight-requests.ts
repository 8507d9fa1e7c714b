import { Injectable } from '@nestjs/common';
import type { AuditEntry } from './audit-entry';

/**
 * The requests still being answered, each with the audit entry it would leave if the process died
 * now: the audit line is otherwise written when the response ends, which a crash never reaches.
 */
@Injectable()
export class InFlightRequests {
  private readonly entries = new Map<object, () => AuditEntry>();

  add(request: object, onCrash: () => AuditEntry): void {
    this.entries.set(request, onCrash);
  }

  delete(request: object): void {
    this.entries.delete(request);
  }

  crashEntries(): AuditEntry[] {
    return [...this.entries.values()].map((entry) => entry());
  }
}
