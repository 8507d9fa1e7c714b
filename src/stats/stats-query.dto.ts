import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { CommonErrorCode } from '../common/errors/error-codes';

export class StatsQueryDto {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: SSE, one `stats` event a second' })
  @IsOptional()
  @IsIn(['true', 'false'], {
    context: { code: CommonErrorCode.INVALID_STREAM },
    message: 'stream must be true or false',
  })
  stream?: string;
}
