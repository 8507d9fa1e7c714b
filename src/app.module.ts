import { Module } from '@nestjs/common';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { CommonModule } from './common/common.module';
import { ComposeModule } from './compose/compose.module';
import { HealthModule } from './health/health.module';

@Module({
  imports: [CommonModule, AuditModule, AuthModule, ComposeModule, HealthModule],
})
export class AppModule {}
