import { Body, Controller, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { Idempotent } from '../idempotency/idempotent.decorator';
import type { Container } from './container.types';
import { StopQueryDto } from './dto/list-query.dto';
import { ContainerDto } from './dto/responses.dto';
import { ETAG_HEADER } from './dto/version-headers';
import { ContainerViews } from './container-views';
import { LifecycleService } from './lifecycle.service';
import { CommonErrorCode } from '../common/errors/error-codes';
import { ComposeErrorCode } from '../compose/compose.errors';
import { ContainersErrorCode } from './containers.errors';

const TIMEOUT_ERRORS = [ContainersErrorCode.INVALID_TIMEOUT, CommonErrorCode.UNKNOWN_FIELD];
const COMMON = {
  404: ContainersErrorCode.CONTAINER_NOT_FOUND,
  408: ComposeErrorCode.COMPOSE_TIMEOUT,
  500: ComposeErrorCode.COMPOSE_FAILED,
  503: ComposeErrorCode.DOCKER_UNAVAILABLE,
};

@ApiTags('lifecycle')
@Controller('containers/:cuid')
export class LifecycleController {
  constructor(
    private readonly lifecycle: LifecycleService,
    private readonly views: ContainerViews,
  ) {}

  @Post('start')
  @HttpCode(200)
  @Audit('container.start')
  @ApiOperation({
    operationId: 'startContainer',
    summary: 'Start (idempotent); needs /app/boot.py with the default command',
  })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @Idempotent()
  @ApiErrors({
    ...COMMON,
    409: ContainersErrorCode.PORT_BIND_FAILED,
    422: [ContainersErrorCode.BOOT_SCRIPT_MISSING, ContainersErrorCode.CONTAINER_PAUSED],
  })
  async start(@Param('cuid') cuid: string, @Res({ passthrough: true }) res: Response): Promise<Container> {
    return this.views.one(res, await this.lifecycle.run(cuid, 'start'));
  }

  @Post('stop')
  @HttpCode(200)
  @Audit('container.stop')
  @ApiOperation({
    operationId: 'stopContainer',
    summary: 'Stop (idempotent); optional timeout in seconds, as query or JSON body',
  })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @Idempotent()
  @ApiErrors({ ...COMMON, 400: TIMEOUT_ERRORS })
  async stop(
    @Param('cuid') cuid: string,
    @Query() query: StopQueryDto,
    @Body() body: StopQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Container> {
    return this.views.one(res, await this.lifecycle.run(cuid, 'stop', body?.timeout ?? query.timeout));
  }

  @Post('restart')
  @HttpCode(200)
  @Audit('container.restart')
  @ApiOperation({ operationId: 'restartContainer', summary: 'Stop, then start; a paused container is refused' })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @Idempotent()
  @ApiErrors({
    ...COMMON,
    400: TIMEOUT_ERRORS,
    409: ContainersErrorCode.PORT_BIND_FAILED,
    422: [ContainersErrorCode.BOOT_SCRIPT_MISSING, ContainersErrorCode.CONTAINER_PAUSED],
  })
  async restart(
    @Param('cuid') cuid: string,
    @Query() query: StopQueryDto,
    @Body() body: StopQueryDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Container> {
    return this.views.one(res, await this.lifecycle.run(cuid, 'restart', body?.timeout ?? query.timeout));
  }

  @Post('pause')
  @HttpCode(200)
  @Audit('container.pause')
  @ApiOperation({ operationId: 'pauseContainer', summary: 'Freeze every process of a running container' })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @Idempotent()
  @ApiErrors({ ...COMMON, 422: CommonErrorCode.CONTAINER_NOT_RUNNING })
  async pause(@Param('cuid') cuid: string, @Res({ passthrough: true }) res: Response): Promise<Container> {
    return this.views.one(res, await this.lifecycle.run(cuid, 'pause'));
  }

  @Post('unpause')
  @HttpCode(200)
  @Audit('container.unpause')
  @ApiOperation({ operationId: 'unpauseContainer', summary: 'Resume a paused container' })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @Idempotent()
  @ApiErrors({ ...COMMON, 422: ContainersErrorCode.CONTAINER_NOT_PAUSED })
  async unpause(@Param('cuid') cuid: string, @Res({ passthrough: true }) res: Response): Promise<Container> {
    return this.views.one(res, await this.lifecycle.run(cuid, 'unpause'));
  }
}
