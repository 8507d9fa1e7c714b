import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { AuditPageDto } from './audit-page.dto';
import { AuditPage, AuditQueryService } from './audit-query.service';
import { AuditQueryDto } from './audit-query.dto';
import { Audit } from './audit.decorator';
import { AuditErrorCode } from './audit.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

@ApiTags('operations')
@Controller('audit')
export class AuditController {
  constructor(private readonly query: AuditQueryService) {}

  @Get()
  @Audit('audit.query')
  @ApiOperation({
    operationId: 'queryAudit',
    summary: 'The audit log, newest first, filtered and paged across rotated files',
    description:
      'A page may hold fewer than `limit` entries while `next_cursor` is not null: one page reads at most 64 MiB. ' +
      'Entries are the lines of actions.jsonl as written; terminal sessions and boot sweeps add fields of their own.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors({
    400: [
      CommonErrorCode.INVALID_SINCE,
      AuditErrorCode.INVALID_UNTIL,
      CommonErrorCode.INVALID_CUID,
      AuditErrorCode.INVALID_ACTION,
      AuditErrorCode.INVALID_USER,
      CommonErrorCode.INVALID_STATUS,
      AuditErrorCode.INVALID_ERROR_FILTER,
      CommonErrorCode.INVALID_LIMIT,
      CommonErrorCode.INVALID_CURSOR,
      AuditErrorCode.CURSOR_EXPIRED,
      CommonErrorCode.UNKNOWN_FIELD,
    ],
  })
  search(@Query() q: AuditQueryDto): Promise<AuditPage> {
    return this.query.page(
      {
        sinceMs: q.since === undefined ? undefined : Date.parse(q.since),
        untilMs: q.until === undefined ? undefined : Date.parse(q.until),
        cuid: q.cuid,
        actions: q.action === undefined ? undefined : new Set(q.action.split(',')),
        user: q.user,
        status: q.status,
        error: q.error === undefined ? undefined : q.error === 'true',
      },
      q.limit ?? 100,
      q.cursor,
    );
  }
}
