import { Module } from '@nestjs/common';
import { LiveStreams } from '../common/http/live-streams';
import { ContainersModule } from '../containers/containers.module';

import { EventFeeds } from './event-feeds';
import { EventHub } from './event-hub';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';

/** `GET /events`: one numbered, bounded stream of state changes and actions for every client. */
@Module({
  imports: [ContainersModule],
  controllers: [EventsController],
  providers: [EventHub, EventFeeds, EventsService, LiveStreams],
  exports: [EventHub],
})
export class EventsModule {}
