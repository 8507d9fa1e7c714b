import { Module } from '@nestjs/common';
import { ContainersModule } from '../containers/containers.module';
import { ArchiveDownloadService } from './archive-download.service';
import { ContainerMount } from './container-mount';
import { DownloadService } from './download.service';
import { FilesController } from './files.controller';
import { ListingService } from './listing.service';
import { MountFs } from './mount-fs';
import { MountMerger } from './mount-merge';
import { StagingArea } from './staging-area';
import { UploadService } from './upload.service';
import { WholeFileWriter } from './whole-file-writer';
import { ZipExtractor } from './zip-extractor';

@Module({
  imports: [ContainersModule],
  controllers: [FilesController],
  providers: [
    MountFs,
    ContainerMount,
    StagingArea,
    WholeFileWriter,
    ZipExtractor,
    MountMerger,
    UploadService,
    DownloadService,
    ArchiveDownloadService,
    ListingService,
  ],
})
export class FilesModule {}
