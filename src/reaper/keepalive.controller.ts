import { Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import type { Container } from '../containers/container.types';
import { ContainersService } from '../containers/containers.service';
import { ContainerDto } from '../containers/dto/responses.dto';
import { ETAG_HEADER } from '../containers/dto/version-headers';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ComposeErrorCode } from '../compose/compose.errors';
import { ContainersErrorCode } from '../containers/containers.errors';

@ApiTags('lifecycle')
@Controller('containers/:cuid')
export class KeepaliveController {
  constructor(private readonly containers: ContainersService) {}

  /** Being a call on the container is what pushes idle_stop_at forward (LifetimeViewInterceptor). */
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
  keepalive(@Param('cuid') cuid: string): Promise<Container> {
    return this.containers.get(cuid);
  }
}
