import { api, ApiError, containerPath } from '../api/client';
import { openLive, type LiveStream } from '../api/live';
import type { Container } from '../api/types';
import { Observable } from './store';

const CONTAINER_EVENTS = [
  'created',
  'started',
  'died',
  'oom',
  'paused',
  'unpaused',
  'restarting',
  'destroyed',
  'health',
];
const POLL_MS = 2000;
/** After the stream is refused or lost for good, try it again this soon, doubling up to the cap. */
const REOPEN_FIRST_MS = 5_000;
const REOPEN_MAX_MS = 60_000;

export type LiveMode = 'connecting' | 'events' | 'polling';

interface LiveEventData {
  cuid?: string | null;
  action?: string;
}

/**
 * Every container, kept current from the API: the listing once, then `/events` says which
 * container changed and its REST answer says what it is now (the console keeps no state machine
 * of its own). If `/events` refuses the stream or the browser gives it up, the listing is re-read
 * every two seconds instead (the header then says `polling` rather than `live`) while the stream
 * is tried again after 5 s, 10 s, … up to every minute; once it is back, polling stops.
 */
export class ContainersStore extends Observable {
  readonly byCuid = new Map<string, Container>();
  loaded = false;
  loadError: unknown = null;
  mode: LiveMode = 'connecting';
  private live: LiveStream | null = null;
  private poll: ReturnType<typeof setInterval> | null = null;
  private reopenTimer: ReturnType<typeof setTimeout> | null = null;
  private reopenDelay = REOPEN_FIRST_MS;
  private stopped = false;
  private readonly pending = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  start(): void {
    void this.reload();
    this.openStream();
  }

  stop(): void {
    this.stopped = true;
    this.live?.close();
    if (this.poll) clearInterval(this.poll);
    if (this.reopenTimer) clearTimeout(this.reopenTimer);
  }

  private openStream(): void {
    const handlers: Record<string, (data: unknown) => void> = {};
    for (const type of [...CONTAINER_EVENTS, 'action']) {
      handlers[type] = (data) => {
        const cuid = (data as LiveEventData).cuid;
        if (cuid) this.refresh(cuid);
      };
    }
    // The ring no longer holds what we missed: read the whole state again.
    handlers.reset = () => void this.reload();
    this.live = openLive(
      '/events',
      handlers,
      () => this.streamLost(),
      () => this.streamOpen(),
    );
  }

  private streamOpen(): void {
    this.reopenDelay = REOPEN_FIRST_MS;
    if (this.poll) {
      clearInterval(this.poll);
      this.poll = null;
      // What changed between the last poll and the stream's start.
      void this.reload();
    }
    this.mode = 'events';
    this.changed();
  }

  private streamLost(): void {
    this.live?.close();
    this.live = null;
    if (this.stopped) return;
    this.fallBackToPolling();
    this.reopenTimer = setTimeout(() => {
      this.reopenTimer = null;
      if (!this.stopped) this.openStream();
    }, this.reopenDelay);
    this.reopenDelay = Math.min(this.reopenDelay * 2, REOPEN_MAX_MS);
  }

  /** All pages of the listing (500 a page, the API's maximum). */
  async reload(): Promise<void> {
    try {
      const seen = new Set<string>();
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const page: { containers: Container[]; next_cursor: string | null } = await api(
          'GET',
          `/containers?limit=500${query}`,
        );
        for (const c of page.containers) {
          seen.add(c.cuid);
          this.byCuid.set(c.cuid, c);
        }
        cursor = page.next_cursor;
      } while (cursor);
      for (const cuid of [...this.byCuid.keys()]) if (!seen.has(cuid)) this.byCuid.delete(cuid);
      this.loaded = true;
      this.loadError = null;
    } catch (err) {
      this.loadError = err;
    }
    this.changed();
  }

  /** Re-reads one container soon; bursts of events for many containers cost one tick. */
  refresh(cuid: string): void {
    this.pending.add(cuid);
    this.flushTimer ??= setTimeout(() => void this.flush(), 50);
  }

  put(container: Container): void {
    this.byCuid.set(container.cuid, container);
    this.changed();
  }

  remove(cuid: string): void {
    this.byCuid.delete(cuid);
    this.changed();
  }

  private async flush(): Promise<void> {
    this.flushTimer = null;
    const cuids = [...this.pending];
    this.pending.clear();
    await Promise.all(
      cuids.map(async (cuid) => {
        try {
          this.byCuid.set(cuid, await api<Container>('GET', containerPath(cuid)));
        } catch (err) {
          if (err instanceof ApiError && err.body.status === 404) this.byCuid.delete(cuid);
        }
      }),
    );
    this.changed();
  }

  private fallBackToPolling(): void {
    if (this.poll) return;
    this.mode = 'polling';
    this.changed();
    this.poll = setInterval(() => void this.reload(), POLL_MS);
  }
}
