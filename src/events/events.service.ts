import { Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { LiveStreams } from '../common/http/live-streams';
import type { SseMessage } from '../common/http/sse-stream';
import { Metrics } from '../metrics/metrics';
import { EventHub } from './event-hub';
import type { EventsQueryDto } from './events-query.dto';
import type { LiveEvent } from './live-event';

/** One `/events` client: what it missed (or a `reset`), then every new matching event. */
@Injectable()
export class EventsService {
  constructor(
    private readonly hub: EventHub,
    private readonly streams: LiveStreams,
    private readonly metrics: Metrics,
  ) {}

  connect(res: Response, query: EventsQueryDto, lastEventId: string | undefined): void {
    const matches = matcher(query);
    const stream = this.streams.start(res);
    this.metrics.sseClients.inc({ stream: 'events' });
    stream.onClose(() => this.metrics.sseClients.dec({ stream: 'events' }));
    const resumeFrom = lastEventId?.trim() || query.since;
    if (resumeFrom !== undefined) {
      this.metrics.eventReconnects.inc();
      const afterId = /^\d{1,16}$/.test(resumeFrom) ? Number(resumeFrom) : Number.NaN;
      const replay = Number.isNaN(afterId) ? { kind: 'gap' as const, oldestId: null } : this.hub.replay(afterId);
      if (replay.kind === 'gap') {
        // The reset carries the newest id, so a client that reconnects again resumes from here.
        stream.send({
          id: this.hub.latestId,
          event: 'reset',
          data: { reason: 'events_lost', last_event_id: resumeFrom, oldest_available_id: replay.oldestId },
        });
      } else {
        for (const event of replay.events) if (matches(event) && !stream.send(toMessage(event))) return;
      }
    }
    const subscription = this.hub.subscribe((event) => {
      if (matches(event) && !stream.send(toMessage(event))) subscription.unsubscribe();
    });
    stream.onClose(() => subscription.unsubscribe());
  }
}

function toMessage(event: LiveEvent): SseMessage {
  return { id: event.id, event: event.type, data: event };
}

function matcher(query: EventsQueryDto): (event: LiveEvent) => boolean {
  const types = query.type ? new Set(query.type.split(',')) : null;
  const cuids = query.cuid ? new Set(query.cuid.split(',')) : null;
  return (event) => (!types || types.has(event.type)) && (!cuids || (event.cuid !== null && cuids.has(event.cuid)));
}
