import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { CommonErrorCode } from '../../common/errors/error-codes';
import { ContainersErrorCode } from '../containers.errors';

const limit = { context: { code: CommonErrorCode.INVALID_LIMIT }, message: 'limit must be an integer from 1 to 500' };

export class ListQueryDto {
  @ApiPropertyOptional({ example: 'running,paused', description: 'Comma list of statuses' })
  @IsOptional()
  @Matches(/^(created|running|paused|restarting|stopped|dead)(,(created|running|paused|restarting|stopped|dead))*$/, {
    context: { code: CommonErrorCode.INVALID_STATUS },
    message: 'status must be a comma list of created, running, paused, restarting, stopped, dead',
  })
  status?: string;

  @ApiPropertyOptional({ example: 'web', description: 'Comma list: containers having all these tags' })
  @IsOptional()
  @IsString({ context: { code: ContainersErrorCode.INVALID_TAG } })
  @MaxLength(1024, { context: { code: ContainersErrorCode.INVALID_TAG } })
  tag?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt(limit)
  @Min(1, limit)
  @Max(500, limit)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque; next_cursor of the previous page' })
  @IsOptional()
  @IsString({ context: { code: CommonErrorCode.INVALID_CURSOR } })
  @MaxLength(512, { context: { code: CommonErrorCode.INVALID_CURSOR } })
  cursor?: string;
}

export class StopQueryDto {
  @ApiPropertyOptional({ description: 'Seconds to wait before killing', minimum: 0, maximum: 600 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({
    context: { code: ContainersErrorCode.INVALID_TIMEOUT },
    message: 'timeout must be an integer from 0 to 600',
  })
  @Min(0, {
    context: { code: ContainersErrorCode.INVALID_TIMEOUT },
    message: 'timeout must be an integer from 0 to 600',
  })
  @Max(600, {
    context: { code: ContainersErrorCode.INVALID_TIMEOUT },
    message: 'timeout must be an integer from 0 to 600',
  })
  timeout?: number;
}
