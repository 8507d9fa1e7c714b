import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { Health, HealthService } from './health.service';
import { ComposeErrorCode } from '../compose/compose.errors';

class HealthDto implements Health {
  @ApiProperty({ enum: ['ok'] }) status!: 'ok';
  @ApiProperty({ example: '2.26.1' }) compose_version!: string;
  @ApiProperty({ example: '26.1.5' }) docker_version!: string;
  @ApiProperty({ example: 42 }) uptime_s!: number;
}

@ApiTags('health')
@Controller('healthz')
export class HealthController {
  constructor(private readonly health: HealthService) {}

  @Get()
  @Audit('health.check')
  @ApiOperation({ operationId: 'getHealth', summary: 'Service, Compose and Docker engine health' })
  @ApiOkResponse({ type: HealthDto })
  @ApiErrors({ 503: ComposeErrorCode.DOCKER_UNAVAILABLE })
  check(): Promise<Health> {
    return this.health.check();
  }
}
