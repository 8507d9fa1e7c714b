import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import { ResourcesDto } from './resources.dto';
import { IMAGE_REF, MAX_IMAGE_LENGTH, MAX_TAGS, TAG } from './spec-rules';
import { IsCommand, IsEnvPatch } from './validators';

const image = { context: { code: 'INVALID_IMAGE' }, message: 'image must be a valid image reference' };
const tags = { context: { code: 'INVALID_TAGS' }, message: `tags must be a list of at most ${MAX_TAGS} short strings` };

/** PATCH /containers/:cuid — env merges (`null` removes a key), tags replace, resources merge. */
export class UpdateContainerDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', nullable: true } })
  @IsOptional()
  @IsEnvPatch()
  env?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ type: [String] })
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

  @ApiPropertyOptional({ example: 'python:3.12-slim' })
  @IsOptional()
  @IsString(image)
  @MaxLength(MAX_IMAGE_LENGTH, image)
  @Matches(IMAGE_REF, image)
  image?: string;

  @ApiPropertyOptional({ type: [String], nullable: true, description: 'null restores the default command' })
  @IsOptional()
  @IsCommand()
  command?: string[] | null;
}
