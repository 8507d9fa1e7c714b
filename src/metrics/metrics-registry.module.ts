import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics';

/** The one registry, global so any module can update its metrics where the work happens. */
@Global()
@Module({
  providers: [Metrics],
  exports: [Metrics],
})
export class MetricsRegistryModule {}
