import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit-log';
import { AuditActionInterceptor } from './audit-action.interceptor';
import { FatalAudit } from './fatal-audit';
import { InFlightRequests } from './in-flight-requests';
import { RequestAuditMiddleware } from './request-audit.middleware';

@Global()
@Module({
  providers: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware, InFlightRequests, FatalAudit],
  exports: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware],
})
export class AuditModule {}
