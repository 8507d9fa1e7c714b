import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CONTAINER_STATUSES } from '../container.types';
import { PortDto } from './port.dto';
import { ResourcesDto } from './resources.dto';

export class DiskUsageDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Allocated bytes under /app; null until measured' })
  app_bytes!: number | null;
  @ApiProperty({ description: 'False when the bounded walk stopped early: app_bytes is a lower bound' })
  complete!: boolean;
  @ApiProperty({ type: String, nullable: true }) measured_at!: string | null;
}

/** OpenAPI shapes of the answers; the service returns plain objects of these shapes. */
export class ContainerDto {
  @ApiProperty({ example: 'c123e4567-e89b-42d3-a456-426614174000' }) cuid!: string;
  @ApiProperty({ example: 'python:3.12-slim' }) image!: string;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) env!: Record<string, string>;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: ResourcesDto }) resources!: ResourcesDto;
  @ApiProperty({ type: [PortDto] }) ports!: PortDto[];
  @ApiProperty({ type: [String], nullable: true }) command!: string[] | null;
  @ApiProperty({ enum: CONTAINER_STATUSES }) status!: string;
  @ApiProperty({ type: DiskUsageDto, description: 'Measured in the background; never computed for a request' })
  disk_usage!: DiskUsageDto;
  @ApiProperty() created_at!: string;
  @ApiProperty() updated_at!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Seconds to live, as last set (create or PATCH)' })
  ttl_s!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the container will be deleted; null: never' })
  expires_at!: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Idle seconds before the running container is stopped' })
  idle_stop_s!: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'When the container will be stopped if nothing touches it (API call, open terminal, keepalive) before; ' +
      'null when idle_stop_s is unset',
  })
  idle_stop_at!: string | null;
}

export class UpdateResultDto extends ContainerDto {
  @ApiProperty({ description: 'True when a running container was recreated to apply the change' }) recreated!: boolean;
}

export class ContainerPageDto {
  @ApiProperty({ type: [ContainerDto] }) containers!: ContainerDto[];
  @ApiProperty({ type: String, nullable: true }) next_cursor!: string | null;
}

export class ContainerStatusDto {
  @ApiProperty() cuid!: string;
  @ApiProperty({ enum: CONTAINER_STATUSES }) status!: string;
  @ApiPropertyOptional({ type: Number, nullable: true }) exit_code!: number | null;
  @ApiPropertyOptional({ type: String, nullable: true }) started_at!: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) finished_at!: string | null;
  @ApiProperty() restart_count!: number;
  @ApiProperty() oom_killed!: boolean;
  @ApiPropertyOptional({ type: Number, nullable: true }) pid!: number | null;
}

export class DeletedDto {
  @ApiProperty() cuid!: string;
  @ApiProperty({ enum: [true] }) deleted!: true;
}
