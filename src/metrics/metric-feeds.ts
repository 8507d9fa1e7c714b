import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import type { AuditEntry } from '../audit/audit-entry';
import { AuditLog } from '../audit/audit-log';
import { ComposeRunner, subcommandOf } from '../compose/compose-runner';
import { StateCache } from '../containers/state-cache';
import { SessionRegistry } from '../terminal/session-registry';
import { Metrics } from './metrics';

/**
 * Updates the metrics from what other modules already report (CLI calls, audit entries) and reads
 * the counts they keep at scrape time, so those modules carry no metrics code of their own.
 */
@Injectable()
export class MetricFeeds implements OnModuleInit, OnApplicationShutdown {
  private readonly subscriptions = new Subscription();

  constructor(
    private readonly metrics: Metrics,
    private readonly compose: ComposeRunner,
    private readonly audit: AuditLog,
    private readonly cache: StateCache,
    private readonly sessions: SessionRegistry,
  ) {}

  onModuleInit(): void {
    this.subscriptions.add(
      this.compose.calls.subscribe((call) => {
        const subcommand = subcommandOf(call.argv);
        this.metrics.composeCalls.inc({ subcommand, exit_code: String(call.exit_code ?? 'none') });
        this.metrics.composeDuration.observe({ subcommand }, call.duration_ms / 1000);
      }),
    );
    this.subscriptions.add(this.audit.entries.subscribe((entry) => this.countEntry(entry)));
    this.metrics.gauge('cm_containers', 'Managed Docker containers by status', ['status'], (set) => {
      const counts = new Map<string, number>();
      for (const state of this.cache.all()) counts.set(state.status, (counts.get(state.status) ?? 0) + 1);
      for (const [status, n] of counts) set({ status }, n);
    });
    this.metrics.gauge('cm_terminal_sessions_open', 'Open terminal sessions', [], (set) => set({}, this.sessions.size));
    this.metrics.gauge('cm_audit_queue_depth', 'Audit entries waiting to be written', [], (set) =>
      set({}, this.audit.backlog.depth),
    );
    this.metrics.gauge(
      'cm_audit_write_lag_seconds',
      'How long the oldest audit entry not yet on disk has waited (0 when none)',
      [],
      (set) => set({}, this.audit.backlog.ageMs / 1000),
    );
  }

  onApplicationShutdown(): void {
    this.subscriptions.unsubscribe();
  }

  private countEntry(entry: AuditEntry): void {
    if (entry.error === 'auth_error') this.metrics.authFailures.inc();
    if (entry.error === 'rate_limited') this.metrics.authThrottled.inc();
    if (entry.action === 'files.upload' && entry.code) this.metrics.uploadRefusals.inc({ code: entry.code });
    if (entry.action === 'terminal.session') {
      this.metrics.terminalSessions.inc({ mode: typeof entry.mode === 'string' ? entry.mode : 'unknown' });
      if (typeof entry.bytes_in === 'number') this.metrics.terminalBytes.inc({ direction: 'in' }, entry.bytes_in);
      if (typeof entry.bytes_out === 'number') this.metrics.terminalBytes.inc({ direction: 'out' }, entry.bytes_out);
    }
  }
}
