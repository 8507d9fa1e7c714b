import { Controller, HttpCode, Param, Post, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import type { Container } from '../containers/container.types';
import { ContainersService } from '../containers/containers.service';
import { ContainerViews } from '../containers/container-views';
import { ContainerDto } from '../containers/dto/responses.dto';
import { ETAG_HEADER } from '../containers/dto/version-headers';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ComposeErrorCode } from '../compose/compose.errors';
import { ContainersErrorCode } from '../containers/containers.errors';

@ApiTags('lifecycle')
@Controller('containers/:cuid')
export class KeepaliveController {
  constructor(
    private readonly containers: ContainersService,
    private readonly views: ContainerViews,
  ) {}

  /** Being a call on the container is what pushes idle_stop_at forward (ContainerActivityGuard). */
  @Post('keepalive')
  @HttpCode(200)
  @Audit('container.keepalive')
  @ApiOperation({
    operationId: 'keepaliveContainer',
    summary: 'Mark the container as in use: pushes idle_stop_at to now + idle_stop_s',
  })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @Idempotent()
  @ApiErrors({ 404: ContainersErrorCode.CONTAINER_NOT_FOUND, 503: ComposeErrorCode.DOCKER_UNAVAILABLE })
  async keepalive(@Param('cuid') cuid: string, @Res({ passthrough: true }) res: Response): Promise<Container> {
    return this.views.one(res, await this.containers.get(cuid));
  }
}
