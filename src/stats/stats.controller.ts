import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { StatsQueryDto } from './stats-query.dto';
import { StatsOverviewDto, StatsSampleDto } from './stats.dto';
import { StatsService } from './stats.service';
import { ComposeErrorCode } from '../compose/compose.errors';
import { ContainersErrorCode } from '../containers/containers.errors';
import { CommonErrorCode } from '../common/errors/error-codes';
import { StatsErrorCode } from './stats.errors';

const SAMPLE =
  'A sample: `cpu` (`percent_of_limit`, `percent_of_host`, `limit_cpus`), `memory` (`usage_bytes`, ' +
  '`limit_bytes`, `percent`), `pids`, `network` (`rx_bytes`, `tx_bytes`), `block_io` (`read_bytes`, ' +
  '`write_bytes`), `sampled_at`. With `?stream=true`: SSE, one `stats` event a second.';

@ApiTags('live')
@Controller()
export class StatsController {
  constructor(private readonly stats: StatsService) {}

  @Get('containers/:cuid/stats')
  @Audit('container.stats')
  @ApiOperation({
    operationId: 'getContainerStats',
    summary: "One running container's CPU, memory, pids, network and block I/O",
    description: SAMPLE,
  })
  @ApiParam({ name: 'cuid', example: 'c123e4567-e89b-42d3-a456-426614174000' })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: StatsSampleDto })
  @ApiErrors({
    400: [CommonErrorCode.INVALID_STREAM, CommonErrorCode.UNKNOWN_FIELD],
    404: ContainersErrorCode.CONTAINER_NOT_FOUND,
    422: CommonErrorCode.CONTAINER_NOT_RUNNING,
    503: [ComposeErrorCode.DOCKER_UNAVAILABLE, StatsErrorCode.STATS_UNAVAILABLE],
  })
  async one(@Param('cuid') cuid: string, @Query() query: StatsQueryDto, @Res() res: Response): Promise<void> {
    if (query.stream === 'true') await this.stats.stream(cuid, res);
    else res.json(await this.stats.one(cuid));
  }

  @Get('stats')
  @Audit('stats.all')
  @ApiOperation({
    operationId: 'getAllStats',
    summary: 'The same sample for every running container',
    description: 'With `?stream=true`: SSE, one `stats` event a second, each an overview like the JSON answer.',
  })
  @ApiProduces('application/json', 'text/event-stream')
  @ApiOkResponse({ type: StatsOverviewDto })
  @ApiErrors({
    400: [CommonErrorCode.INVALID_STREAM, CommonErrorCode.UNKNOWN_FIELD],
    503: ComposeErrorCode.DOCKER_UNAVAILABLE,
  })
  async all(@Query() query: StatsQueryDto, @Res() res: Response): Promise<void> {
    if (query.stream === 'true') await this.stats.stream(null, res);
    else res.json(await this.stats.all());
  }
}
