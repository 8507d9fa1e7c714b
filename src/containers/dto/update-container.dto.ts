import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IMAGE_RULE } from './create-container.dto';
import { SpecFieldsDto } from './spec-fields.dto';
import { IMAGE_REF, MAX_IMAGE_LENGTH } from './spec-rules';
import { IsEnvPatch } from './validators';

/** PATCH /containers/:cuid — env merges (`null` removes a key), tags replace, resources merge. */
export class UpdateContainerDto extends SpecFieldsDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string', nullable: true } })
  @IsOptional()
  @IsEnvPatch()
  env?: Record<string, string | number | boolean | null>;

  @ApiPropertyOptional({ example: 'python:3.12-slim' })
  @IsOptional()
  @IsString(IMAGE_RULE)
  @MaxLength(MAX_IMAGE_LENGTH, IMAGE_RULE)
  @Matches(IMAGE_REF, IMAGE_RULE)
  image?: string;
}
