import { Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { ContainersModule } from '../containers/containers.module';
import { TerminalModule } from '../terminal/terminal.module';
import { ActivityTracker } from './activity-tracker';
import { KeepaliveController } from './keepalive.controller';
import { LifetimeViewInterceptor } from './lifetime-view.interceptor';
import { Reaper } from './reaper.service';

/** Container lifetimes: ttl_s (delete) and idle_stop_s (stop), enforced after restarts too. */
@Module({
  imports: [ContainersModule, TerminalModule],
  controllers: [KeepaliveController],
  providers: [ActivityTracker, Reaper, { provide: APP_INTERCEPTOR, useClass: LifetimeViewInterceptor }],
})
export class ReaperModule {}
