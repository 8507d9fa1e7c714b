import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ContainersModule } from '../containers/containers.module';
import { TerminalModule } from '../terminal/terminal.module';
import { ActivityTracker } from './activity-tracker';
import { ContainerActivityGuard } from './container-activity.guard';
import { KeepaliveController } from './keepalive.controller';
import { LifetimeView } from './lifetime-view';
import { Reaper } from './reaper.service';

/** Container lifetimes: ttl_s (delete) and idle_stop_s (stop), enforced after restarts too. */
@Module({
  imports: [ContainersModule, TerminalModule],
  controllers: [KeepaliveController],
  providers: [ActivityTracker, Reaper, LifetimeView, { provide: APP_GUARD, useClass: ContainerActivityGuard }],
})
export class ReaperModule {}
