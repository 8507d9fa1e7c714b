import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, Min } from 'class-validator';
import { IsCpus, IsMemory } from './validators';

/** In an update, `null` removes a limit; `undefined` keeps it. */
export class ResourcesDto {
  @ApiPropertyOptional({ example: 1.0, description: '> 0 and at most the host CPU count' })
  @IsOptional()
  @IsCpus()
  cpus?: number;

  @ApiPropertyOptional({ example: '4096m' })
  @IsOptional()
  @IsMemory()
  memory?: string;

  @ApiPropertyOptional({ example: 2048 })
  @IsOptional()
  @IsInt({ context: { code: 'INVALID_PIDS' }, message: 'pids must be an integer >= 1' })
  @Min(1, { context: { code: 'INVALID_PIDS' }, message: 'pids must be an integer >= 1' })
  pids?: number;
}
