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
import { CommonErrorCode } from '../common/errors/error-codes';
import { ContainersErrorCode } from '../containers/containers.errors';
import { FilesErrorCode } from './files.errors';

const PATH_ERRORS = [
  FilesErrorCode.INVALID_PATH,
  FilesErrorCode.NOT_A_DIRECTORY,
  FilesErrorCode.NOT_A_FILE,
  CommonErrorCode.UNKNOWN_FIELD,
];
const OUTSIDE = FilesErrorCode.PATH_OUTSIDE_MOUNT;
const IO_ERRORS = [FilesErrorCode.MOUNT_UNAVAILABLE, FilesErrorCode.FILE_IO_FAILED];
const NOT_FOUND = [ContainersErrorCode.CONTAINER_NOT_FOUND, FilesErrorCode.PATH_NOT_FOUND];
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
    400: [
      FilesErrorCode.ZIP_CORRUPT,
      FilesErrorCode.ZIP_UNSAFE_ENTRY,
      FilesErrorCode.ZIP_SYMLINK_ENTRY,
      FilesErrorCode.ZIP_NAME_TOO_LONG,
      FilesErrorCode.ZIP_PATH_CLASH,
      FilesErrorCode.ZIP_ENCRYPTED,
      FilesErrorCode.ZIP_UNSUPPORTED_METHOD,
      FilesErrorCode.ZIP_PATH_TOO_DEEP,
      FilesErrorCode.EMPTY_BODY,
      CommonErrorCode.UPLOAD_ABORTED,
      ...PATH_ERRORS,
    ],
    403: OUTSIDE,
    404: ContainersErrorCode.CONTAINER_NOT_FOUND,
    408: CommonErrorCode.UPLOAD_TIMEOUT,
    413: [
      CommonErrorCode.PAYLOAD_TOO_LARGE,
      FilesErrorCode.ZIP_TOO_LARGE,
      FilesErrorCode.ZIP_TOO_MANY_ENTRIES,
      FilesErrorCode.ZIP_RATIO_EXCEEDED,
    ],
    415: CommonErrorCode.UNSUPPORTED_MEDIA_TYPE,
    500: IO_ERRORS,
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
  @ApiErrors({
    400: [FilesErrorCode.PATH_REQUIRED, ...PATH_ERRORS],
    403: OUTSIDE,
    404: NOT_FOUND,
    416: FilesErrorCode.RANGE_NOT_SATISFIABLE,
    500: IO_ERRORS,
  })
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
  @ApiErrors({ 400: [...PATH_ERRORS, FilesErrorCode.PATH_TOO_DEEP], 403: OUTSIDE, 404: NOT_FOUND, 500: IO_ERRORS })
  downloadZip(@Param('cuid') cuid: string, @Query() query: PathQueryDto, @Res() res: Response): Promise<void> {
    return this.archives.downloadZip(cuid, query.path, res);
  }

  @Get('files')
  @Audit('files.list')
  @ApiOperation({ operationId: 'listFiles', summary: 'List one directory of /app' })
  @ApiQuery({ name: 'path', required: false, description: 'Directory relative to /app; default /app itself' })
  @ApiOkResponse({ type: DirectoryListingDto })
  @ApiErrors({ 400: PATH_ERRORS, 403: OUTSIDE, 404: NOT_FOUND, 500: IO_ERRORS })
  list(@Param('cuid') cuid: string, @Query() query: PathQueryDto): Promise<DirectoryListing> {
    return this.listings.list(cuid, query.path);
  }
}
