import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { EVENT_TYPES } from './live-event';
import { CommonErrorCode } from '../common/errors/error-codes';
import { EventsErrorCode } from './events.errors';

const TYPE_LIST = new RegExp(`^(${EVENT_TYPES.join('|')})(,(${EVENT_TYPES.join('|')}))*$`);

export class EventsQueryDto {
  @ApiPropertyOptional({ example: 'died,oom', description: `Comma list of: ${EVENT_TYPES.join(', ')}` })
  @IsOptional()
  @Matches(TYPE_LIST, {
    context: { code: EventsErrorCode.INVALID_EVENT_TYPE },
    message: `type must be a comma list of ${EVENT_TYPES.join(', ')}`,
  })
  type?: string;

  @ApiPropertyOptional({ description: 'Comma list of container ids' })
  @IsOptional()
  @Matches(/^[a-z0-9-]+(,[a-z0-9-]+)*$/, {
    context: { code: CommonErrorCode.INVALID_CUID },
    message: 'cuid must be a comma list of cuids',
  })
  @MaxLength(8192, { context: { code: CommonErrorCode.INVALID_CUID } })
  cuid?: string;

  @ApiPropertyOptional({ description: 'Resume after this event id (as the Last-Event-ID header does)' })
  @IsOptional()
  @Matches(/^\d{1,16}$/, { context: { code: CommonErrorCode.INVALID_SINCE }, message: 'since must be an event id' })
  since?: string;
}
