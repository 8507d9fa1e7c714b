import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { AuditLog } from '../audit/audit-log';
import { toAppError } from '../common/errors/to-app-error';
import { RequestContext, RequestState } from '../common/request-context';
import { isoWithOffset } from '../common/time';
import type { ContainerSpec } from '../containers/container.types';
import { ContainersService } from '../containers/containers.service';
import { LifecycleService } from '../containers/lifecycle.service';
import { ProjectStore } from '../containers/project-store';
import { StateCache } from '../containers/state-cache';
import { SessionRegistry } from '../terminal/session-registry';
import { ActivityTracker } from './activity-tracker';
import { DueAction, dueAction, idleStopAt } from './deadlines';

const TICK_MS = 1_000;
/** After a failed enforcement (engine down, compose error), wait this long before trying again. */
const RETRY_AFTER_MS = 30_000;

/**
 * Enforces ttl_s (delete) and idle_stop_s (stop) deadlines. It reads them from the specs on every tick,
 * so it needs no state of its own: after a restart, a deadline that passed while the service was down
 * is enforced on the first tick. Each enforcement is audited as user `system`.
 */
@Injectable()
export class Reaper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Reaper');
  private timer: NodeJS.Timeout | null = null;
  private ticking = false;
  private readonly busy = new Set<string>();
  private readonly retryAt = new Map<string, number>();

  constructor(
    private readonly store: ProjectStore,
    private readonly cache: StateCache,
    private readonly containers: ContainersService,
    private readonly lifecycle: LifecycleService,
    private readonly activity: ActivityTracker,
    private readonly sessions: SessionRegistry,
    private readonly audit: AuditLog,
    private readonly context: RequestContext,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One pass over every container with a lifetime; public for tests. */
  async tick(now = Date.now()): Promise<void> {
    // Until the state cache is in sync there is no trustworthy status (and likely no engine to act with).
    if (this.ticking || !this.cache.isSynced) return;
    this.ticking = true;
    try {
      for (const spec of this.store.all()) {
        if (!spec.expires_at && !spec.idle_stop_s) continue;
        if (this.busy.has(spec.cuid) || (this.retryAt.get(spec.cuid) ?? 0) > now) continue;
        const openTerminals = this.sessions.openOn(spec.cuid);
        if (openTerminals > 0) this.activity.touch(spec.cuid, now);
        const lastActivity = await this.activity.lastActivity(spec);
        const due = dueAction(
          {
            expiresAt: spec.expires_at ? Date.parse(spec.expires_at) : null,
            idleStopS: spec.idle_stop_s ?? null,
            lastActivity,
            status: this.cache.get(spec.cuid)?.status ?? 'created',
            openTerminals,
          },
          now,
        );
        if (due) void this.enforce(spec, due, lastActivity);
      }
    } finally {
      this.ticking = false;
    }
  }

  private async enforce(spec: ContainerSpec, due: DueAction, lastActivity: number): Promise<void> {
    const { cuid } = spec;
    this.busy.add(cuid);
    const state: RequestState = { requestId: randomUUID(), startedAt: performance.now(), user: 'system', compose: [] };
    const deadline =
      due === 'expire' ? (spec.expires_at ?? null) : isoOrNull(idleStopAt(spec.idle_stop_s ?? null, lastActivity));
    let status = 200;
    try {
      await this.context.run(state, async () => {
        if (due === 'expire') await this.containers.remove(cuid);
        else await this.lifecycle.run(cuid, 'stop');
      });
      if (due === 'expire') this.activity.forget(cuid);
      this.retryAt.delete(cuid);
      this.logger.log(`${due === 'expire' ? 'deleted expired' : 'stopped idle'} container ${cuid}`);
    } catch (err) {
      const appError = toAppError(err);
      status = appError.status;
      state.errorId = appError.error;
      state.errorCode = appError.code;
      this.retryAt.set(cuid, Date.now() + RETRY_AFTER_MS);
      this.logger.warn(`could not ${due === 'expire' ? 'delete expired' : 'stop idle'} ${cuid}: ${appError.code}`);
    } finally {
      this.busy.delete(cuid);
    }
    this.audit.write({
      timestamp: isoWithOffset(new Date()),
      request_id: state.requestId,
      user: 'system',
      remote: null,
      method: 'SYSTEM',
      path: `/containers/${cuid}`,
      action: due === 'expire' ? 'container.expire' : 'container.idle_stop',
      cuid,
      status,
      duration_ms: Math.round(performance.now() - state.startedAt),
      ...(state.errorId ? { error: state.errorId, code: state.errorCode } : {}),
      compose: state.compose,
      deadline,
    });
  }
}

function isoOrNull(ms: number | null): string | null {
  return ms === null ? null : isoWithOffset(new Date(ms));
}
