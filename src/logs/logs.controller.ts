import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { LogsQueryDto } from './logs-query.dto';
import { LogsService } from './logs.service';
import { ComposeErrorCode } from '../compose/compose.errors';
import { ContainersErrorCode } from '../containers/containers.errors';
import { CommonErrorCode } from '../common/errors/error-codes';
import { LogsErrorCode } from './logs.errors';

@ApiTags('live')
@Controller('containers/:cuid/logs')
export class LogsController {
  constructor(private readonly logs: LogsService) {}

  @Get()
  @Audit('container.logs')
  @ApiOperation({
    operationId: 'streamLogs',
    summary: "boot.py's output (stdout and stderr), also of a stopped container",
    description:
      'text/plain by default (`stream=stdout|stderr` for one of them, byte for byte); with ' +
      '`Accept: text/event-stream` one SSE event per line, named `stdout` or `stderr`, then `end`. ' +
      '`follow=true` streams until the client leaves or the container is removed.',
  })
  @ApiParam({ name: 'cuid', example: 'c123e4567-e89b-42d3-a456-426614174000' })
  @ApiProduces('text/plain', 'text/event-stream')
  @ApiOkResponse({ schema: { type: 'string' } })
  @ApiErrors({
    400: [
      LogsErrorCode.INVALID_TAIL,
      CommonErrorCode.INVALID_SINCE,
      LogsErrorCode.INVALID_TIMESTAMPS,
      LogsErrorCode.INVALID_FOLLOW,
      CommonErrorCode.INVALID_STREAM,
      CommonErrorCode.UNKNOWN_FIELD,
    ],
    404: ContainersErrorCode.CONTAINER_NOT_FOUND,
    503: ComposeErrorCode.DOCKER_UNAVAILABLE,
  })
  stream(
    @Param('cuid') cuid: string,
    @Query() query: LogsQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.logs.stream(cuid, query, req, res);
  }
}
