import { Module } from '@nestjs/common';
import { LiveStreams } from '../common/http/live-streams';
import { ContainersModule } from '../containers/containers.module';
import { LogsController } from './logs.controller';
import { LogsService } from './logs.service';

/** `GET /containers/:cuid/logs`. */
@Module({
  imports: [ContainersModule],
  controllers: [LogsController],
  providers: [LogsService, LiveStreams],
})
export class LogsModule {}
