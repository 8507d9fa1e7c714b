import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import type { Container } from './container.types';
import { ContainersService, UpdateResult } from './containers.service';
import { CreateContainerDto } from './dto/create-container.dto';
import { ListQueryDto } from './dto/list-query.dto';
import { PortsDto } from './dto/port.dto';
import { UpdateContainerDto } from './dto/update-container.dto';
import { ContainerDto, ContainerPageDto, ContainerStatusDto, DeletedDto, UpdateResultDto } from './dto/responses.dto';
import type { Page } from './container-page';

const VALIDATION =
  'MISSING_IMAGE, INVALID_IMAGE, INVALID_ENV, INVALID_TAGS, INVALID_CPUS, INVALID_MEMORY, INVALID_PIDS, INVALID_PORT, INVALID_PROTOCOL, DUPLICATE_HOST_PORT, INVALID_COMMAND, UNKNOWN_FIELD, IMAGE_NOT_FOUND';

@ApiTags('containers')
@Controller('containers')
export class ContainersController {
  constructor(private readonly containers: ContainersService) {}

  @Post()
  @Audit('container.create')
  @ApiOperation({
    operationId: 'createContainer',
    summary: 'Create a container (compose project) in the created state',
  })
  @ApiCreatedResponse({ type: ContainerDto })
  @ApiErrors({
    400: VALIDATION,
    409: 'PORT_CONFLICT',
    500: 'COMPOSE_FAILED, PROJECT_WRITE_FAILED',
    503: 'DOCKER_UNAVAILABLE',
  })
  create(@Body() dto: CreateContainerDto): Promise<Container> {
    return this.containers.create(dto);
  }

  @Get()
  @Audit('container.list')
  @ApiOperation({
    operationId: 'listContainers',
    summary: 'List containers, filtered and paginated (from the state cache)',
  })
  @ApiOkResponse({ type: ContainerPageDto })
  @ApiErrors({ 400: 'INVALID_STATUS, INVALID_LIMIT, INVALID_CURSOR, UNKNOWN_FIELD', 503: 'DOCKER_UNAVAILABLE' })
  list(@Query() query: ListQueryDto): Promise<Page> {
    return this.containers.list(query);
  }

  @Get(':cuid')
  @Audit('container.get')
  @ApiOperation({ operationId: 'getContainer', summary: 'One container: its spec and live status' })
  @ApiOkResponse({ type: ContainerDto })
  @ApiErrors({ 404: 'CONTAINER_NOT_FOUND', 503: 'DOCKER_UNAVAILABLE' })
  get(@Param('cuid') cuid: string): Promise<Container> {
    return this.containers.get(cuid);
  }

  @Get(':cuid/status')
  @Audit('container.status')
  @ApiOperation({
    operationId: 'getContainerStatus',
    summary: 'Live status, exit code, start/finish times, restarts, OOM',
  })
  @ApiOkResponse({ type: ContainerStatusDto })
  @ApiErrors({ 404: 'CONTAINER_NOT_FOUND', 503: 'DOCKER_UNAVAILABLE' })
  status(@Param('cuid') cuid: string): Promise<unknown> {
    return this.containers.status(cuid);
  }

  @Patch(':cuid')
  @Audit('container.update')
  @ApiOperation({
    operationId: 'updateContainer',
    summary: 'Change env (null removes), tags (replace), resources (merge), image, command',
  })
  @ApiOkResponse({ type: UpdateResultDto })
  @ApiErrors({ 400: VALIDATION, 404: 'CONTAINER_NOT_FOUND', 409: 'PORT_BIND_FAILED', 500: 'COMPOSE_FAILED' })
  update(@Param('cuid') cuid: string, @Body() dto: UpdateContainerDto): Promise<UpdateResult> {
    return this.containers.update(cuid, dto);
  }

  @Patch(':cuid/ports')
  @Audit('container.ports')
  @ApiOperation({ operationId: 'updatePorts', summary: 'Replace the port list' })
  @ApiOkResponse({ type: UpdateResultDto })
  @ApiErrors({
    400: 'INVALID_PORT, INVALID_PROTOCOL, DUPLICATE_HOST_PORT',
    404: 'CONTAINER_NOT_FOUND',
    409: 'PORT_CONFLICT, PORT_BIND_FAILED',
  })
  updatePorts(@Param('cuid') cuid: string, @Body() dto: PortsDto): Promise<UpdateResult> {
    return this.containers.updatePorts(
      cuid,
      dto.ports.map((p) => ({ ...p, protocol: p.protocol ?? 'tcp' })),
    );
  }

  @Delete(':cuid')
  @HttpCode(200)
  @Audit('container.delete')
  @ApiOperation({ operationId: 'deleteContainer', summary: 'Remove the container, its project and its files' })
  @ApiOkResponse({ type: DeletedDto })
  @ApiErrors({ 404: 'CONTAINER_NOT_FOUND', 500: 'COMPOSE_FAILED' })
  remove(@Param('cuid') cuid: string): Promise<{ cuid: string; deleted: true }> {
    return this.containers.remove(cuid);
  }
}
