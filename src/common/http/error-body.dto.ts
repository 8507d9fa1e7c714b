import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI description of the error schema (the shape itself is built in errors/error-body.ts). */
export class ErrorBodyDto {
  @ApiProperty({ example: 'validation_error' }) error!: string;
  @ApiProperty({ example: 'MISSING_IMAGE' }) code!: string;
  @ApiProperty({ example: 'Image is required' }) message!: string;
  @ApiProperty({ example: 400 }) status!: number;
  @ApiProperty({ example: '123e4567-e89b-12d3-a456-426614174000' }) request_id!: string;
  @ApiProperty({ example: '2024-01-20T15:30:00.000+01:00' }) timestamp!: string;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'Only when NODE_ENV=development' }) stacktrace?: string;
}
