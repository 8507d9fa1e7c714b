import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { CommonErrorCode } from '../common/errors/error-codes';
import { LogsErrorCode } from './logs.errors';

export class LogsQueryDto {
  @ApiPropertyOptional({ example: '100', description: 'Last N lines (0–1000000) or `all` (default)' })
  @IsOptional()
  @Matches(/^(all|\d{1,7})$/, {
    context: { code: LogsErrorCode.INVALID_TAIL },
    message: 'tail must be a line count or all',
  })
  tail?: string;

  @ApiPropertyOptional({
    example: '2026-01-20T15:30:00Z',
    description: 'Only output since: ISO 8601 time, Unix seconds, or a relative age like `10m`',
  })
  @IsOptional()
  @Matches(
    /^(\d{1,10}(\.\d{1,9})?|\d{1,6}(ms|s|m|h)|\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)?)?)$/,
    {
      context: { code: CommonErrorCode.INVALID_SINCE },
      message: 'since must be an ISO 8601 time, Unix seconds or an age like 10m',
    },
  )
  since?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Prefix each line with its RFC 3339 time' })
  @IsOptional()
  @IsIn(['true', 'false'], {
    context: { code: LogsErrorCode.INVALID_TIMESTAMPS },
    message: 'timestamps must be true or false',
  })
  timestamps?: string;

  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'Keep streaming new output' })
  @IsOptional()
  @IsIn(['true', 'false'], { context: { code: LogsErrorCode.INVALID_FOLLOW }, message: 'follow must be true or false' })
  follow?: string;

  @ApiPropertyOptional({ enum: ['all', 'stdout', 'stderr'], default: 'all', description: 'Which output to send' })
  @IsOptional()
  @IsIn(['all', 'stdout', 'stderr'], {
    context: { code: CommonErrorCode.INVALID_STREAM },
    message: 'stream must be all, stdout or stderr',
  })
  stream?: 'all' | 'stdout' | 'stderr';
}
