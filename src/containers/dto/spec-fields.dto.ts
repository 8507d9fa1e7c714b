import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsObject, IsOptional, IsString, Matches, ValidateNested } from 'class-validator';
import { ResourcesDto } from './resources.dto';
import { MAX_TAGS, TAG } from './spec-rules';
import { IsCommand } from './validators';

const tags = {
  context: { code: 'INVALID_TAGS' },
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
  @IsObject({ context: { code: 'INVALID_RESOURCES' }, message: 'resources must be an object' })
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
}
