import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit-log';
import { AuditActionInterceptor } from './audit-action.interceptor';
import { RequestAuditMiddleware } from './request-audit.middleware';

@Global()
@Module({
  providers: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware],
  exports: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware],
})
export class AuditModule {}
