import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ConsoleModule } from './console/console.module';
import { ComposeModule } from './compose/compose.module';
import { ContainersModule } from './containers/containers.module';
import { FilesModule } from './files/files.module';
import { HealthModule } from './health/health.module';
import { TerminalModule } from './terminal/terminal.module';

@Module({
  imports: [
    CommonModule,
    AuditModule,
    AuthModule,
    ComposeModule,
    HealthModule,
    ContainersModule,
    FilesModule,
    TerminalModule,
    ConsoleModule,
  ],
})
export class AppModule {}
