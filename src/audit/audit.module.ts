import { Global, Module } from '@nestjs/common';
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
  providers: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware, AuditQueryService, InFlightRequests, FatalAudit],
  exports: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware],
})
export class AuditModule {}
