import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { EventsQueryDto } from './events-query.dto';
import { EventsService } from './events.service';
import { CommonErrorCode } from '../common/errors/error-codes';
import { EventsErrorCode } from './events.errors';

@ApiTags('live')
@Controller('events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Audit('events.stream')
  @ApiOperation({
    operationId: 'streamEvents',
    summary: 'Server-Sent Events: container state changes and finished API actions',
    description:
      'Each event has a numeric `id:` and an `event:` name (created, started, died, oom, paused, unpaused, ' +
      'restarting, destroyed, health, action); `data:` is a JSON object with `id`, `type`, `time`, `cuid` and ' +
      "the type's fields (`exit_code` for died, `health`, or `action`, `status`, `code`, `request_id`, `user`, " +
      '`duration_ms`). Reconnect with `Last-Event-ID` (or `?since=`) to get what was missed; `reset` says the ' +
      'gap is older than the ring (re-read state over REST). A client that reads too slowly gets `dropped` ' +
      'and is closed. Comment lines are heartbeats.',
  })
  @ApiHeader({ name: 'Last-Event-ID', required: false, description: 'Resume after this event id' })
  @ApiProduces('text/event-stream')
  @ApiOkResponse({ description: 'An endless text/event-stream', schema: { type: 'string' } })
  @ApiErrors({
    400: [
      EventsErrorCode.INVALID_EVENT_TYPE,
      CommonErrorCode.INVALID_CUID,
      CommonErrorCode.INVALID_SINCE,
      CommonErrorCode.UNKNOWN_FIELD,
    ],
  })
  stream(
    @Query() query: EventsQueryDto,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() res: Response,
  ): void {
    this.events.connect(res, query, lastEventId);
  }
}
