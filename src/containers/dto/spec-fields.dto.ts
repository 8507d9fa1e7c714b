import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { MAX_LIFETIME_S } from '../../common/config/environment';
import { ResourcesDto } from './resources.dto';
import { MAX_TAGS, TAG } from './spec-rules';
import { IsCommand } from './validators';
import { ContainersErrorCode } from '../containers.errors';

const tags = {
  context: { code: ContainersErrorCode.INVALID_TAGS },
  message: `tags must be a list of at most ${MAX_TAGS} short strings (letters, digits, . _ : @ / + = -)`,
};

/** Fields that create and update validate the same way (update: tags replace, resources merge). */
export class SpecFieldsDto {
  @ApiPropertyOptional({ type: [String], example: ['web', 'production'] })
  @IsOptional()
  @IsArray(tags)
  @ArrayMaxSize(MAX_TAGS, tags)
  @IsString({ ...tags, each: true })
  @Matches(TAG, { ...tags, each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: ResourcesDto, description: 'In an update, null removes a limit' })
  @IsOptional()
  @IsObject({ context: { code: ContainersErrorCode.INVALID_RESOURCES }, message: 'resources must be an object' })
  @ValidateNested()
  @Type(() => ResourcesDto)
  resources?: ResourcesDto;

  @ApiPropertyOptional({
    type: [String],
    nullable: true,
    example: ['python', '/app/boot.py'],
    description: 'Replaces the default command; null restores it',
  })
  @IsOptional()
  @IsCommand()
  command?: string[] | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_LIFETIME_S,
    example: 3600,
    description:
      'Delete the container this many seconds after creation (or after the PATCH that sets it); null: never. ' +
      'Omitted at create: DEFAULT_TTL_S',
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsInt(lifetime(ContainersErrorCode.INVALID_TTL, 'ttl_s'))
  @Min(1, lifetime(ContainersErrorCode.INVALID_TTL, 'ttl_s'))
  @Max(MAX_LIFETIME_S, lifetime(ContainersErrorCode.INVALID_TTL, 'ttl_s'))
  ttl_s?: number | null;

  @ApiPropertyOptional({
    type: Number,
    nullable: true,
    minimum: 1,
    maximum: MAX_LIFETIME_S,
    example: 900,
    description:
      'Stop the running container after this many seconds without an API call touching it and with no terminal ' +
      'open; null: never. Omitted at create: DEFAULT_IDLE_STOP_S',
  })
  @ValidateIf((_o, v) => v !== null && v !== undefined)
  @IsInt(lifetime(ContainersErrorCode.INVALID_IDLE_STOP, 'idle_stop_s'))
  @Min(1, lifetime(ContainersErrorCode.INVALID_IDLE_STOP, 'idle_stop_s'))
  @Max(MAX_LIFETIME_S, lifetime(ContainersErrorCode.INVALID_IDLE_STOP, 'idle_stop_s'))
  idle_stop_s?: number | null;
}

function lifetime(code: string, field: string) {
  return {
    context: { code },
    message: `${field} must be a whole number of seconds from 1 to ${MAX_LIFETIME_S}, or null`,
  };
}
