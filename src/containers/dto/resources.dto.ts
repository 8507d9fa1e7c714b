import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Min } from 'class-validator';
import { parseMemorySize } from '../../common/units';
import { IsCpus, IsMemory } from './validators';
import { ContainersErrorCode } from '../containers.errors';

/** A valid size is stored in its one canonical spelling (`" 512M"` → `"512m"`); anything else is left for the validator to refuse. */
const canonicalMemory = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' ? (parseMemorySize(value)?.canonical ?? value) : value;

/**
 * In a create, an omitted limit gets the configured default. In an update, `null` puts a limit back
 * to its default (or removes it when there is none); `undefined` keeps it.
 */
export class ResourcesDto {
  @ApiPropertyOptional({ example: 1.0, description: '> 0, at most the host CPU count and MAX_CPUS' })
  @IsOptional()
  @IsCpus()
  cpus?: number;

  @ApiPropertyOptional({ example: '4096m', description: 'at least 6m, at most MAX_MEMORY' })
  @IsOptional()
  @Transform(canonicalMemory)
  @IsMemory()
  memory?: string;

  @ApiPropertyOptional({ example: 2048, description: 'at least 1, at most MAX_PIDS' })
  @IsOptional()
  @IsInt({ context: { code: ContainersErrorCode.INVALID_PIDS }, message: 'pids must be an integer >= 1' })
  @Min(1, { context: { code: ContainersErrorCode.INVALID_PIDS }, message: 'pids must be an integer >= 1' })
  pids?: number;
}
