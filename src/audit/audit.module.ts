import { Global, Module } from '@nestjs/common';
import { AuditLog } from './audit-log';
import { AuditActionInterceptor } from './audit-action.interceptor';
import { AuditQueryService } from './audit-query.service';
import { AuditController } from './audit.controller';
import { RequestAuditMiddleware } from './request-audit.middleware';

@Global()
@Module({
  controllers: [AuditController],
  providers: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware, AuditQueryService],
  exports: [AuditLog, AuditActionInterceptor, RequestAuditMiddleware],
})
export class AuditModule {}
