import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { AuditPage, AuditQueryService } from './audit-query.service';
import { AuditQueryDto } from './audit-query.dto';
import { Audit } from './audit.decorator';

class AuditPageDto {
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'actions.jsonl entries, newest first' })
  entries!: object[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next (older) page; null at the end',
  })
  next_cursor!: string | null;
}

@ApiTags('operations')
@Controller('audit')
export class AuditController {
  constructor(private readonly query: AuditQueryService) {}

  @Get()
  @Audit('audit.query')
  @ApiOperation({
    summary: 'The audit log, newest first, across rotated files',
    description:
      'A page may hold fewer than `limit` entries while `next_cursor` is not null: one page reads at most 64 MiB.',
  })
  @ApiOkResponse({ type: AuditPageDto })
  @ApiErrors({
    400: 'INVALID_SINCE, INVALID_UNTIL, INVALID_CUID, INVALID_ACTION, INVALID_USER, INVALID_STATUS, INVALID_ERROR_FILTER, INVALID_LIMIT, INVALID_CURSOR, CURSOR_EXPIRED, UNKNOWN_FIELD',
  })
  list(@Query() q: AuditQueryDto): Promise<AuditPage> {
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
