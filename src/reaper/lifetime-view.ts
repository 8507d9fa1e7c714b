import { Injectable, OnModuleInit } from '@nestjs/common';
import { isoWithOffset } from '../common/time';
import type { Container } from '../containers/container.types';
import { ContainerViews, type ContainerViewPart, type ViewFields } from '../containers/container-views';
import { ProjectStore } from '../containers/project-store';
import { ActivityTracker } from './activity-tracker';
import { idleStopAt } from './deadlines';

/**
 * Every container the API shows gets its lifetime fields: `ttl_s`, `expires_at`, `idle_stop_s` and
 * `idle_stop_at`, null when unset.
 */
@Injectable()
export class LifetimeView implements ContainerViewPart, OnModuleInit {
  constructor(
    private readonly views: ContainerViews,
    private readonly store: ProjectStore,
    private readonly activity: ActivityTracker,
  ) {}

  onModuleInit(): void {
    this.views.addPart(this);
  }

  /** `idle_stop_at` moves with every last-use time. */
  get version(): number {
    return this.activity.version;
  }

  fieldsOf(container: Container): ViewFields | Promise<ViewFields> {
    const idleStopS = container.idle_stop_s ?? null;
    const fields = {
      ttl_s: container.ttl_s ?? null,
      expires_at: container.expires_at ?? null,
      idle_stop_s: idleStopS,
      idle_stop_at: null as string | null,
    };
    const spec = this.store.get(container.cuid);
    if (idleStopS === null || !spec) return fields;
    return this.activity.lastActivity(spec).then((last) => {
      const at = idleStopAt(idleStopS, last);
      fields.idle_stop_at = at === null ? null : isoWithOffset(new Date(at));
      return fields;
    });
  }
}
