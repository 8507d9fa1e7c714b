import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import type { DirectoryEntry, DirectoryListing, EntryType } from './listing.service';
import type { UploadResult } from './upload.service';
import { FilesErrorCode } from './files.errors';

export class PathQueryDto {
  @ApiPropertyOptional({ description: 'Path relative to /app; "/"-separated, no "..", not absolute' })
  @IsOptional()
  @IsString({ context: { code: FilesErrorCode.INVALID_PATH } })
  @MaxLength(4096, { context: { code: FilesErrorCode.INVALID_PATH } })
  path?: string;
}

export class UploadResultDto implements UploadResult {
  @ApiProperty({ example: 3, description: 'Files written (directories not counted)' }) files!: number;
  @ApiProperty({ example: 4096, description: 'Uncompressed bytes written' }) bytes!: number;
  @ApiProperty({ example: '.', description: 'Target directory relative to /app ("." is /app itself)' }) path!: string;
}

export class DirectoryEntryDto implements DirectoryEntry {
  @ApiProperty({ example: 'boot.py' }) name!: string;
  @ApiProperty({ enum: ['file', 'directory', 'symlink', 'other'] }) type!: EntryType;
  @ApiProperty({ example: 170, description: 'Bytes (lstat size: a symlink reports its own length)' }) size!: number;
  @ApiProperty({ example: '0644', description: 'Permission bits as an octal string' }) mode!: string;
  @ApiProperty({ example: '2024-01-20T15:30:00.000+01:00' }) modified_at!: string;
}

export class DirectoryListingDto implements DirectoryListing {
  @ApiProperty({ example: 'data' }) path!: string;
  @ApiProperty({ type: [DirectoryEntryDto] }) entries!: DirectoryEntryDto[];
}
