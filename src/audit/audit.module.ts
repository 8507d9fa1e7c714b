import { Global, Module } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { AuditLog } from './audit-log';
import { AuditActionInterceptor } from './audit-action.interceptor';
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
    AuditActionInterceptor,
    // Registered here, the first module after CommonModule, so it stays the outermost global interceptor.
    { provide: APP_INTERCEPTOR, useExisting: AuditActionInterceptor },
    RequestAuditMiddleware,
    AuditQueryService,
    InFlightRequests,
    FatalAudit,
  ],
  exports: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware],
})
export class AuditModule {}
