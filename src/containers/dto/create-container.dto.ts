import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PortDto } from './port.dto';
import { SpecFieldsDto } from './spec-fields.dto';
import { IMAGE_REF, MAX_IMAGE_LENGTH } from './spec-rules';
import { IsEnvMap } from './validators';
import { ContainersErrorCode } from '../containers.errors';

export const IMAGE_RULE = {
  context: { code: ContainersErrorCode.INVALID_IMAGE },
  message: 'image must be a valid image reference like "python:3.12-slim"',
};

export class CreateContainerDto extends SpecFieldsDto {
  @ApiProperty({ example: 'python:3.12-slim' })
  @IsDefined({ context: { code: ContainersErrorCode.MISSING_IMAGE }, message: 'Image is required' })
  @IsString(IMAGE_RULE)
  @MaxLength(MAX_IMAGE_LENGTH, IMAGE_RULE)
  @Matches(IMAGE_REF, IMAGE_RULE)
  image!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { APP_ENV: 'production' } })
  @IsOptional()
  @IsEnvMap()
  env?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ type: [PortDto] })
  @IsOptional()
  @IsArray({ context: { code: ContainersErrorCode.INVALID_PORTS }, message: 'ports must be an array' })
  @ArrayMaxSize(100, { context: { code: ContainersErrorCode.INVALID_PORTS } })
  @ValidateNested({ each: true })
  @Type(() => PortDto)
  ports?: PortDto[];
}
