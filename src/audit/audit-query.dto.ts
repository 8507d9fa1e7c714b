import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { AuditErrorCode } from './audit.errors';
import { CommonErrorCode } from '../common/errors/error-codes';

const limit = { context: { code: CommonErrorCode.INVALID_LIMIT }, message: 'limit must be an integer from 1 to 1000' };

export class AuditQueryDto {
  @ApiPropertyOptional({ example: '2026-01-20T15:30:00+01:00', description: 'Entries at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601(
    { strict: true },
    { context: { code: CommonErrorCode.INVALID_SINCE }, message: 'since must be an ISO 8601 time' },
  )
  since?: string;

  @ApiPropertyOptional({ description: 'Entries at or before (ISO 8601)' })
  @IsOptional()
  @IsISO8601(
    { strict: true },
    { context: { code: AuditErrorCode.INVALID_UNTIL }, message: 'until must be an ISO 8601 time' },
  )
  until?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ context: { code: CommonErrorCode.INVALID_CUID } })
  @MaxLength(64, { context: { code: CommonErrorCode.INVALID_CUID } })
  cuid?: string;

  @ApiPropertyOptional({ example: 'container.start,container.stop', description: 'Comma list of actions' })
  @IsOptional()
  @Matches(/^[a-z0-9_.-]+(,[a-z0-9_.-]+)*$/, {
    context: { code: AuditErrorCode.INVALID_ACTION },
    message: 'action must be a comma list of action names',
  })
  @MaxLength(1024, { context: { code: AuditErrorCode.INVALID_ACTION } })
  action?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString({ context: { code: AuditErrorCode.INVALID_USER } })
  @MaxLength(256, { context: { code: AuditErrorCode.INVALID_USER } })
  user?: string;

  @ApiPropertyOptional({ example: '4xx', description: 'An HTTP status (`404`) or class (`4xx`)' })
  @IsOptional()
  @Matches(/^[1-5](\d\d|xx)$/, {
    context: { code: CommonErrorCode.INVALID_STATUS },
    message: 'status must look like 404 or 4xx',
  })
  status?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: 'Only failed (true) or only successful (false) entries',
  })
  @IsOptional()
  @IsIn(['true', 'false'], {
    context: { code: AuditErrorCode.INVALID_ERROR_FILTER },
    message: 'error must be true or false',
  })
  error?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt(limit)
  @Min(1, limit)
  @Max(1000, limit)
  limit?: number;

  @ApiPropertyOptional({ description: 'Opaque; next_cursor of the previous page' })
  @IsOptional()
  @IsString({ context: { code: CommonErrorCode.INVALID_CURSOR } })
  @MaxLength(512, { context: { code: CommonErrorCode.INVALID_CURSOR } })
  cursor?: string;
}
