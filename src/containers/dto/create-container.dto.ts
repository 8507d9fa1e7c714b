import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsDefined,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { PortDto } from './port.dto';
import { ResourcesDto } from './resources.dto';
import { IMAGE_REF, MAX_IMAGE_LENGTH, MAX_TAGS, TAG } from './spec-rules';
import { IsCommand, IsEnvMap } from './validators';

const image = {
  context: { code: 'INVALID_IMAGE' },
  message: 'image must be a valid image reference like "python:3.12-slim"',
};
const tags = {
  context: { code: 'INVALID_TAGS' },
  message: `tags must be a list of at most ${MAX_TAGS} short strings (letters, digits, . _ : @ / + = -)`,
};

export class CreateContainerDto {
  @ApiProperty({ example: 'python:3.12-slim' })
  @IsDefined({ context: { code: 'MISSING_IMAGE' }, message: 'Image is required' })
  @IsString(image)
  @MaxLength(MAX_IMAGE_LENGTH, image)
  @Matches(IMAGE_REF, image)
  image!: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { APP_ENV: 'production' } })
  @IsOptional()
  @IsEnvMap()
  env?: Record<string, string | number | boolean>;

  @ApiPropertyOptional({ type: [String], example: ['web', 'production'] })
  @IsOptional()
  @IsArray(tags)
  @ArrayMaxSize(MAX_TAGS, tags)
  @IsString({ ...tags, each: true })
  @Matches(TAG, { ...tags, each: true })
  tags?: string[];

  @ApiPropertyOptional({ type: ResourcesDto })
  @IsOptional()
  @IsObject({ context: { code: 'INVALID_RESOURCES' }, message: 'resources must be an object' })
  @ValidateNested()
  @Type(() => ResourcesDto)
  resources?: ResourcesDto;

  @ApiPropertyOptional({ type: [PortDto] })
  @IsOptional()
  @IsArray({ context: { code: 'INVALID_PORTS' }, message: 'ports must be an array' })
  @ArrayMaxSize(100, { context: { code: 'INVALID_PORTS' } })
  @ValidateNested({ each: true })
  @Type(() => PortDto)
  ports?: PortDto[];

  @ApiPropertyOptional({
    type: [String],
    example: ['python', '/app/boot.py'],
    description: 'Replaces the default command',
  })
  @IsOptional()
  @IsCommand()
  command?: string[] | null;
}
