import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of `GET /audit` (see audit-entry.ts); the answer holds the log's lines as written. */
export class ComposeCallDto {
  @ApiProperty({ type: [String], description: 'The docker compose argv' }) argv!: string[];
  @ApiProperty({ type: Number, nullable: true }) exit_code!: number | null;
  @ApiProperty() duration_ms!: number;
}

export class AuditEntryDto {
  @ApiProperty({ description: 'ISO 8601 with offset' }) timestamp!: string;
  @ApiProperty() request_id!: string;
  @ApiProperty({ type: String, nullable: true, description: '`system` for the reaper' }) user!: string | null;
  @ApiProperty({ type: String, nullable: true }) remote!: string | null;
  @ApiProperty() method!: string;
  @ApiProperty() path!: string;
  @ApiProperty({ type: String, nullable: true, example: 'container.start' }) action!: string | null;
  @ApiProperty({ type: String, nullable: true }) cuid!: string | null;
  @ApiProperty() status!: number;
  @ApiProperty() duration_ms!: number;
  @ApiPropertyOptional({ description: 'The error id when the request failed' }) error?: string;
  @ApiPropertyOptional({ description: 'The error code when the request failed' }) code?: string;
  @ApiProperty({ type: [ComposeCallDto] }) compose!: ComposeCallDto[];
  @ApiPropertyOptional() idempotency_key?: string;
  @ApiPropertyOptional() idempotency_replayed?: boolean;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto], description: 'actions.jsonl entries, newest first' })
  entries!: AuditEntryDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Pass as cursor for the next (older) page; null at the end',
  })
  next_cursor!: string | null;
}
