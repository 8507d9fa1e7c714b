import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Observable, Subject } from 'rxjs';
import { ComposeRunner } from '../compose/compose-runner';
import type { LineStream } from '../compose/line-stream';
import { parseStatsLine, RawStats } from './docker-stats-line';

export interface Reading extends RawStats {
  /** Readings seen for this container since the collector started (the first CPU figure is unreliable). */
  count: number;
  at: number;
}

/** A frame's lines arrive together; this long after the last one the frame is complete. */
const FRAME_SETTLE_MS = 50;
/** Readings older than this belong to a container that stopped. */
const STALE_MS = 3_000;
/** Keeps the collector up briefly after the last listener, so one-shot requests in a row share it. */
const LINGER_MS = 5_000;

/**
 * One shared `docker stats` stream for every client, running only while someone listens: the engine
 * samples each running container about once a second, and each frame is fanned out to all listeners.
 */
@Injectable()
export class StatsCollector implements OnApplicationShutdown {
  private child: LineStream | null = null;
  private listeners = 0;
  private lingerTimer: NodeJS.Timeout | null = null;
  private frameTimer: NodeJS.Timeout | null = null;
  private readonly readings = new Map<string, Reading>();
  private readonly frameDone = new Subject<void>();
  readonly frames: Observable<void> = this.frameDone.asObservable();

  constructor(private readonly compose: ComposeRunner) {}

  get running(): boolean {
    return this.child !== null;
  }

  /** Starts sampling if needed; call the returned function once done listening. */
  acquire(): () => void {
    this.listeners += 1;
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    if (!this.child) this.startChild();
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.listeners -= 1;
      if (this.listeners === 0) {
        this.lingerTimer = setTimeout(() => this.stopChild(), LINGER_MS);
        this.lingerTimer.unref();
      }
    };
  }

  /** The latest reading of a container, if it is fresh. */
  reading(containerId: string): Reading | undefined {
    const r = this.readings.get(containerId);
    return r && Date.now() - r.at < STALE_MS ? r : undefined;
  }

  onApplicationShutdown(): void {
    this.listeners = 0;
    this.stopChild();
  }

  private startChild(): void {
    // No container names: docker stats then follows every running container as they start and stop.
    const child = this.compose.streamLines(['stats', '--no-trunc', '--format', '{{json .}}']);
    this.child = child;
    child.lines.subscribe({
      next: (line) => this.onLine(line),
      complete: () => {
        if (this.child !== child) return;
        this.child = null;
        // Listeners are still there (the engine restarted, say): start again shortly.
        if (this.listeners > 0) setTimeout(() => this.listeners > 0 && !this.child && this.startChild(), 1_000).unref();
      },
    });
  }

  private stopChild(): void {
    if (this.lingerTimer) clearTimeout(this.lingerTimer);
    this.lingerTimer = null;
    const child = this.child;
    this.child = null;
    child?.close();
    this.readings.clear();
  }

  private onLine(line: string): void {
    const raw = parseStatsLine(line);
    if (!raw) return;
    const previous = this.readings.get(raw.id);
    this.readings.set(raw.id, { ...raw, count: (previous?.count ?? 0) + 1, at: Date.now() });
    this.frameTimer ??= setTimeout(() => {
      this.frameTimer = null;
      this.frameDone.next();
    }, FRAME_SETTLE_MS);
  }
}
