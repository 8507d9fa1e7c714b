import { Module } from '@nestjs/common';
import { LiveStreams } from '../common/http/live-streams';
import { ContainersModule } from '../containers/containers.module';
import { StatsCollector } from './stats-collector';
import { StatsController } from './stats.controller';
import { StatsService } from './stats.service';

/** `GET /containers/:cuid/stats` and `GET /stats`, from one shared collector. */
@Module({
  imports: [ContainersModule],
  controllers: [StatsController],
  providers: [StatsCollector, StatsService, LiveStreams],
})
export class StatsModule {}
