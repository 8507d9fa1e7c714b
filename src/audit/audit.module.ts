import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { AuditLog } from './audit-log';
import { AuditActionGuard } from './audit-action.guard';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { FatalAudit } from './fatal-audit';
import { InFlightRequests } from './in-flight-requests';
import { RequestAuditMiddleware } from './request-audit.middleware';

@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditLog,
    // Registered here, the first module after CommonModule, so it runs before every other module's guards.
    { provide: APP_GUARD, useClass: AuditActionGuard },
    RequestAuditMiddleware,
    AuditQueryService,
    InFlightRequests,
    FatalAudit,
  ],
  exports: [AuditLog, RequestAuditMiddleware],
})
export class AuditModule {}
