import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module';
import { TerminalModule } from '../terminal/terminal.module';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { MetricFeeds } from './metric-feeds';
import { MetricsController } from './metrics.controller';
import { MetricsRegistryModule } from './metrics-registry.module';
import { PublicMetricsListener } from './public-metrics-listener';

/**
 * `GET /metrics` and what feeds it. HttpMetricsMiddleware is mounted by the HTTP chain
 * (configure-app.ts), not through Nest's consumer, whose wrapper costs every request promises.
 */
@Module({
  imports: [MetricsRegistryModule, ContainersModule, TerminalModule],
  controllers: [MetricsController],
  providers: [MetricFeeds, HttpMetricsMiddleware, PublicMetricsListener],
})
export class MetricsModule {}
