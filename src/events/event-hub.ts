import { Injectable } from '@nestjs/common';
import { Subject, Subscription } from 'rxjs';
import { AppConfig } from '../common/config/app-config';
import { EventRing } from './event-ring';
import type { LiveEvent, NewLiveEvent } from './live-event';

export type Replay = { kind: 'events'; events: LiveEvent[] } | { kind: 'gap'; oldestId: number | null };

/**
 * The one source of `/events`: numbers each event, keeps the last EVENTS_RING_SIZE for clients that
 * reconnect, and fans every new one out to the connected clients.
 */
@Injectable()
export class EventHub {
  private readonly ring: EventRing<LiveEvent>;
  private readonly live = new Subject<LiveEvent>();
  /**
   * Ids start from the boot time in ms, so they keep increasing across restarts (at fewer than 1,000
   * events a second) and an id from before a restart is seen as a gap rather than taken for a new one.
   */
  private lastId = Date.now();

  constructor(config: AppConfig) {
    this.ring = new EventRing(config.eventsRingSize);
  }

  get latestId(): number {
    return this.lastId;
  }

  publish(event: NewLiveEvent): LiveEvent {
    this.lastId += 1;
    const numbered = { id: this.lastId, ...event } as LiveEvent;
    this.ring.push(numbered);
    this.live.next(numbered);
    return numbered;
  }

  /** What a client that last saw `afterId` missed, or a gap when the ring no longer holds all of it. */
  replay(afterId: number): Replay {
    const oldest = this.ring.oldestId();
    const firstKept = oldest ?? this.lastId + 1;
    if (afterId > this.lastId || afterId < firstKept - 1) return { kind: 'gap', oldestId: oldest };
    return { kind: 'events', events: this.ring.after(afterId) };
  }

  /** Called synchronously for every event published from now on. */
  subscribe(listener: (event: LiveEvent) => void): Subscription {
    return this.live.subscribe(listener);
  }
}
