import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../common/config/app-config';
import { isoWithOffset } from '../common/time';
import { ProjectPaths } from '../compose/project-paths';
import type { DiskUsage } from './container.types';
import { ProjectStore } from './project-store';
import { TreeBounds, TreeMeter } from './tree-meter';

const NOT_MEASURED: DiskUsage = { app_bytes: null, complete: false, measured_at: null };
/** Enough for any sane app; a tree built to be slow to walk is reported as a lower bound instead. */
export const USAGE_BOUNDS: TreeBounds = { maxEntries: 200_000, maxDepth: 128 };

/**
 * How much space each container's /app takes, answered from memory. Walks run in the background,
 * one at a time: every APP_USAGE_INTERVAL_S for all containers, and soon after a `GET` of a container
 * whose figure is missing or stale. A listing only reads the map, so it never waits on a disk walk.
 */
@Injectable()
export class AppUsage implements OnApplicationShutdown {
  private readonly logger = new Logger('AppUsage');
  private readonly usage = new Map<string, DiskUsage & { at: number }>();
  private readonly queue = new Set<string>();
  private running = false;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private changes = 0;

  constructor(
    private readonly meter: TreeMeter,
    private readonly store: ProjectStore,
    private readonly paths: ProjectPaths,
    private readonly config: AppConfig,
  ) {}

  /** Called once the store has loaded (ContainersBootstrap): a first sweep, then one per interval. */
  start(): void {
    if (this.timer || this.stopped) return;
    this.timer = setInterval(() => this.enqueueAll(), this.config.appUsageIntervalMs);
    this.timer.unref();
    this.enqueueAll();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.queue.clear();
  }

  /** Moves whenever a figure does (a listing built at one version is current until it moves). */
  get version(): number {
    return this.changes;
  }

  get(cuid: string): DiskUsage {
    const known = this.usage.get(cuid);
    if (!known) return NOT_MEASURED;
    return { app_bytes: known.app_bytes, complete: known.complete, measured_at: known.measured_at };
  }

  /** Queues a walk when the figure is missing or older than the interval; never waits for it. */
  refreshIfStale(cuid: string): void {
    const known = this.usage.get(cuid);
    if (known && Date.now() - known.at < this.config.appUsageIntervalMs) return;
    this.enqueue(cuid);
  }

  forget(cuid: string): void {
    if (this.usage.delete(cuid)) this.changes += 1;
    this.queue.delete(cuid);
  }

  private enqueueAll(): void {
    for (const spec of this.store.all()) this.enqueue(spec.cuid);
  }

  private enqueue(cuid: string): void {
    if (this.stopped) return;
    this.queue.add(cuid);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      for (let next = first(this.queue); next !== undefined; next = first(this.queue)) {
        this.queue.delete(next);
        await this.measure(next);
      }
    } finally {
      this.running = false;
    }
  }

  private async measure(cuid: string): Promise<void> {
    if (!this.store.get(cuid)) return;
    try {
      const size = await this.meter.measure(this.paths.appDir(cuid), USAGE_BOUNDS);
      // Deleted while it was measured: keep no figure for a container that is gone.
      if (!this.store.get(cuid)) return;
      const now = new Date();
      this.changes += 1;
      this.usage.set(cuid, {
        app_bytes: size.bytes,
        complete: size.complete,
        measured_at: isoWithOffset(now),
        at: now.getTime(),
      });
    } catch (err) {
      this.logger.warn(`measuring /app of ${cuid} failed: ${(err as Error).message}`);
    }
  }
}

function first(set: Set<string>): string | undefined {
  return set.values().next().value;
}
