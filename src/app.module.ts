import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ClusterModule } from './cluster/cluster.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { ComposeModule } from './compose/compose.module';
import { ContainersModule } from './containers/containers.module';
import { FilesModule } from './files/files.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { NetworkModule } from './network/network.module';
import { LogsModule } from './logs/logs.module';
import { MetricsRegistryModule } from './metrics/metrics-registry.module';
import { MetricsModule } from './metrics/metrics.module';
import { StatsModule } from './stats/stats.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { ReaperModule } from './reaper/reaper.module';
import { TerminalModule } from './terminal/terminal.module';

@Module({
  imports: [
    CommonModule,
    AuditModule,
    AuthModule,
    IdempotencyModule,
    ComposeModule,
    NetworkModule,
    HealthModule,
    ContainersModule,
    FilesModule,
    TerminalModule,
    MetricsRegistryModule,
    MetricsModule,
    EventsModule,
    LogsModule,
    StatsModule,
    ReaperModule,
    ConsoleModule,
    ClusterModule,
  ],
})
export class AppModule {}
