import { Controller, Get, HttpCode, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Audit } from '../audit/audit.decorator';
import { ApiErrors } from '../common/http/api-errors.decorator';
import { AcceptsBody } from '../common/http/body-types';
import { Idempotent } from '../idempotency/idempotent.decorator';
import { ArchiveDownloadService } from './archive-download.service';
import { DownloadService } from './download.service';
import { DirectoryListingDto, PathQueryDto, UploadResultDto } from './files.dto';
import { DirectoryListing, ListingService } from './listing.service';
import { UploadResult, UploadService } from './upload.service';

const PATH_ERRORS = 'INVALID_PATH, NOT_A_DIRECTORY, NOT_A_FILE, UNKNOWN_FIELD';
const OUTSIDE = 'PATH_OUTSIDE_MOUNT';
const NOT_FOUND = 'CONTAINER_NOT_FOUND, PATH_NOT_FOUND';
/**
 * The body is the raw zip (as every example of the guide sends it). Not multipart: nothing here
 * parses it, and a form is what a page of another site can post without a preflight.
 */
const ZIP_TYPES = ['application/zip', 'application/x-zip-compressed', 'application/x-zip', 'application/octet-stream'];

@ApiTags('files')
@ApiParam({ name: 'cuid', example: 'c123e4567-e89b-42d3-a456-426614174000' })
@Controller('containers/:cuid')
export class FilesController {
  constructor(
    private readonly uploads: UploadService,
    private readonly downloads: DownloadService,
    private readonly archives: ArchiveDownloadService,
    private readonly listings: ListingService,
  ) {}

  @Post('upload-zip')
  @HttpCode(200)
  @Audit('files.upload')
  @AcceptsBody(...ZIP_TYPES)
  @ApiOperation({
    operationId: 'uploadZip',
    summary: 'Extract a zip into /app (or a subdirectory); existing files are overwritten, all or nothing',
  })
  @ApiConsumes(...ZIP_TYPES)
  @ApiBody({ schema: { type: 'string', format: 'binary' }, description: 'The zip archive, raw bytes' })
  @ApiQuery({ name: 'path', required: false, description: 'Target directory relative to /app (created if missing)' })
  @ApiOkResponse({ type: UploadResultDto })
  // A repeat is compared by a digest of its body, taken while the body streams (never buffered).
  @Idempotent({ streamedBody: true })
  @ApiErrors({
    400:
      'ZIP_CORRUPT, ZIP_UNSAFE_ENTRY, ZIP_SYMLINK_ENTRY, ZIP_NAME_TOO_LONG, ZIP_PATH_CLASH, ZIP_ENCRYPTED, ' +
      `ZIP_UNSUPPORTED_METHOD, ${PATH_ERRORS}`,
    403: OUTSIDE,
    404: 'CONTAINER_NOT_FOUND',
    408: 'UPLOAD_TIMEOUT',
    413: 'PAYLOAD_TOO_LARGE, ZIP_TOO_LARGE, ZIP_TOO_MANY_ENTRIES, ZIP_RATIO_EXCEEDED',
    415: 'UNSUPPORTED_MEDIA_TYPE',
    500: 'MOUNT_UNAVAILABLE, FILE_IO_FAILED',
  })
  upload(@Param('cuid') cuid: string, @Query() query: PathQueryDto, @Req() req: Request): Promise<UploadResult> {
    return this.uploads.upload(cuid, query.path, req);
  }

  @Get('download')
  @Audit('files.download')
  @ApiOperation({ operationId: 'downloadFile', summary: 'Download one file of /app; honours a single Range' })
  @ApiQuery({ name: 'path', required: true, description: 'File path relative to /app' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The file', schema: { type: 'string', format: 'binary' } })
  @ApiResponse({ status: 206, description: 'The requested range', schema: { type: 'string', format: 'binary' } })
  @ApiErrors({ 400: `PATH_REQUIRED, ${PATH_ERRORS}`, 403: OUTSIDE, 404: NOT_FOUND, 416: 'RANGE_NOT_SATISFIABLE' })
  download(
    @Param('cuid') cuid: string,
    @Query() query: PathQueryDto,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    return this.downloads.download(cuid, query.path, req, res);
  }

  @Get('download-zip')
  @Audit('files.download_zip')
  @ApiOperation({
    operationId: 'downloadZip',
    summary: 'Download a directory of /app as a zip, streamed (symlinks and special files skipped)',
  })
  @ApiQuery({ name: 'path', required: false, description: 'Directory relative to /app; default /app itself' })
  @ApiProduces('application/zip')
  @ApiOkResponse({ description: 'The zip', schema: { type: 'string', format: 'binary' } })
  @ApiErrors({ 400: PATH_ERRORS, 403: OUTSIDE, 404: NOT_FOUND })
  downloadZip(@Param('cuid') cuid: string, @Query() query: PathQueryDto, @Res() res: Response): Promise<void> {
    return this.archives.downloadZip(cuid, query.path, res);
  }

  @Get('files')
  @Audit('files.list')
  @ApiOperation({ operationId: 'listFiles', summary: 'List one directory of /app' })
  @ApiQuery({ name: 'path', required: false, description: 'Directory relative to /app; default /app itself' })
  @ApiOkResponse({ type: DirectoryListingDto })
  @ApiErrors({ 400: PATH_ERRORS, 403: OUTSIDE, 404: NOT_FOUND })
  list(@Param('cuid') cuid: string, @Query() query: PathQueryDto): Promise<DirectoryListing> {
    return this.listings.list(cuid, query.path);
  }
}
