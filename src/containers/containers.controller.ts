import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { Idempotent, Reserved } from '../idempotency/idempotent.decorator';
import type { Container } from './container.types';
import { ContainersService, UpdateResult } from './containers.service';
import { ContainerViews } from './container-views';
import { CreateOrResume } from './create-or-resume';
import { CreateContainerDto } from './dto/create-container.dto';
import { ListQueryDto } from './dto/list-query.dto';
import { PortsDto } from './dto/port.dto';
import { UpdateContainerDto } from './dto/update-container.dto';
import { ApiIfMatch, ETAG_HEADER } from './dto/version-headers';
import { ContainerDto, ContainerPageDto, ContainerStatusDto, DeletedDto, UpdateResultDto } from './dto/responses.dto';
import { ComposeErrorCode } from '../compose/compose.errors';
import { ContainersErrorCode } from './containers.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

const VALIDATION = [
  ContainersErrorCode.MISSING_IMAGE,
  ContainersErrorCode.INVALID_IMAGE,
  ContainersErrorCode.INVALID_ENV,
  ContainersErrorCode.INVALID_TAGS,
  ContainersErrorCode.INVALID_RESOURCES,
  ContainersErrorCode.INVALID_TTL,
  ContainersErrorCode.INVALID_IDLE_STOP,
  ContainersErrorCode.INVALID_CPUS,
  ContainersErrorCode.INVALID_MEMORY,
  ContainersErrorCode.INVALID_PIDS,
  ContainersErrorCode.INVALID_PORT,
  ContainersErrorCode.INVALID_PROTOCOL,
  ContainersErrorCode.INVALID_HOST_IP,
  ContainersErrorCode.DUPLICATE_HOST_PORT,
  ContainersErrorCode.INVALID_COMMAND,
  CommonErrorCode.UNKNOWN_FIELD,
  ContainersErrorCode.RESOURCE_ABOVE_MAX,
  ContainersErrorCode.IMAGE_NOT_PRESENT,
  ContainersErrorCode.IMAGE_REGISTRY_NOT_ALLOWED,
  ContainersErrorCode.IMAGE_NOT_FOUND,
];

@ApiTags('containers')
@Controller('containers')
export class ContainersController {
  constructor(
    private readonly containers: ContainersService,
    private readonly creator: CreateOrResume,
    private readonly views: ContainerViews,
  ) {}

  @Post()
  @Audit('container.create')
  @ApiOperation({
    operationId: 'createContainer',
    summary: 'Create a container (compose project) in the created state',
  })
  @ApiCreatedResponse({ type: ContainerDto, headers: ETAG_HEADER })
  // The cuid is chosen and recorded with the key before anything is created, so a retry after a crash
  // finishes that same container.
  @Idempotent({ reserve: () => `c${randomUUID()}` })
  @ApiErrors({
    400: [...VALIDATION, ContainersErrorCode.INVALID_PORTS],
    409: ContainersErrorCode.PORT_CONFLICT,
    500: [ComposeErrorCode.COMPOSE_FAILED, ContainersErrorCode.PROJECT_WRITE_FAILED],
    503: ComposeErrorCode.DOCKER_UNAVAILABLE,
  })
  async create(
    @Body() dto: CreateContainerDto,
    @Res({ passthrough: true }) res: Response,
    @Reserved() cuid?: string,
  ): Promise<Container> {
    return this.views.one(res, await this.creator.create(dto, cuid));
  }

  @Get()
  @Audit('container.list')
  @ApiOperation({
    operationId: 'listContainers',
    summary: 'List containers, filtered and paginated (from the state cache)',
  })
  @ApiOkResponse({ type: ContainerPageDto })
  @ApiErrors({
    400: [
      CommonErrorCode.INVALID_STATUS,
      ContainersErrorCode.INVALID_TAG,
      CommonErrorCode.INVALID_LIMIT,
      CommonErrorCode.INVALID_CURSOR,
      CommonErrorCode.UNKNOWN_FIELD,
    ],
    503: ComposeErrorCode.DOCKER_UNAVAILABLE,
  })
  list(@Query() query: ListQueryDto, @Res() res: Response): void | Promise<void> {
    const page = this.containers.list(query);
    if (page instanceof Promise) return page.then((p) => this.views.sendPage(res, p));
    return this.views.sendPage(res, page);
  }

  @Get(':cuid')
  @Audit('container.get')
  @ApiOperation({ operationId: 'getContainer', summary: 'One container: its spec and live status' })
  @ApiOkResponse({ type: ContainerDto, headers: ETAG_HEADER })
  @ApiErrors({ 404: ContainersErrorCode.CONTAINER_NOT_FOUND, 503: ComposeErrorCode.DOCKER_UNAVAILABLE })
  async get(@Param('cuid') cuid: string, @Res({ passthrough: true }) res: Response): Promise<Container> {
    return this.views.one(res, await this.containers.get(cuid));
  }

  @Get(':cuid/status')
  @Audit('container.status')
  @ApiOperation({
    operationId: 'getContainerStatus',
    summary: 'Live status, exit code, start/finish times, restarts, OOM',
  })
  @ApiOkResponse({ type: ContainerStatusDto })
  @ApiErrors({ 404: ContainersErrorCode.CONTAINER_NOT_FOUND, 503: ComposeErrorCode.DOCKER_UNAVAILABLE })
  async status(@Param('cuid') cuid: string): Promise<unknown> {
    return this.views.about(cuid, await this.containers.status(cuid));
  }

  @Patch(':cuid')
  @Audit('container.update')
  @ApiOperation({
    operationId: 'updateContainer',
    summary: 'Change env (null removes), tags (replace), resources (merge), image, command',
  })
  @ApiOkResponse({ type: UpdateResultDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @Idempotent()
  @ApiErrors({
    400: VALIDATION,
    404: ContainersErrorCode.CONTAINER_NOT_FOUND,
    409: ContainersErrorCode.PORT_BIND_FAILED,
    412: ContainersErrorCode.PRECONDITION_FAILED,
    500: ComposeErrorCode.COMPOSE_FAILED,
  })
  async update(
    @Param('cuid') cuid: string,
    @Body() dto: UpdateContainerDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<UpdateResult> {
    return this.views.one(res, await this.containers.update(cuid, dto, ifMatch));
  }

  @Patch(':cuid/ports')
  @Audit('container.ports')
  @ApiOperation({ operationId: 'updatePorts', summary: 'Replace the port list' })
  @ApiOkResponse({ type: UpdateResultDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @Idempotent()
  @ApiErrors({
    400: [
      ContainersErrorCode.INVALID_PORTS,
      ContainersErrorCode.INVALID_PORT,
      ContainersErrorCode.INVALID_PROTOCOL,
      ContainersErrorCode.INVALID_HOST_IP,
      ContainersErrorCode.DUPLICATE_HOST_PORT,
      CommonErrorCode.UNKNOWN_FIELD,
    ],
    404: ContainersErrorCode.CONTAINER_NOT_FOUND,
    409: [ContainersErrorCode.PORT_CONFLICT, ContainersErrorCode.PORT_BIND_FAILED],
    412: ContainersErrorCode.PRECONDITION_FAILED,
  })
  async updatePorts(
    @Param('cuid') cuid: string,
    @Body() dto: PortsDto,
    @Res({ passthrough: true }) res: Response,
    @Headers('if-match') ifMatch?: string,
  ): Promise<UpdateResult> {
    const ports = dto.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'tcp' }));
    return this.views.one(res, await this.containers.updatePorts(cuid, ports, ifMatch));
  }

  @Delete(':cuid')
  @HttpCode(200)
  @Audit('container.delete')
  @ApiOperation({ operationId: 'deleteContainer', summary: 'Remove the container, its project and its files' })
  @ApiOkResponse({ type: DeletedDto })
  @Idempotent()
  @ApiErrors({
    404: ContainersErrorCode.CONTAINER_NOT_FOUND,
    500: [ComposeErrorCode.COMPOSE_FAILED, ContainersErrorCode.PROJECT_DELETE_FAILED],
  })
  async remove(@Param('cuid') cuid: string): Promise<{ cuid: string; deleted: true }> {
    return this.views.about(cuid, await this.containers.remove(cuid));
  }
}
