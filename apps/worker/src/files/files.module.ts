import { Module } from '@nestjs/common';
import { ErasureModule } from '../erasure/erasure.module';
import { WorkerUploadStatusModule } from '../status/worker-upload-status.module';
import { FileStorage } from './file.storage';
import { fileBucketProvider } from './file-bucket.provider';
import { fileStorageS3Provider } from './file-storage.s3-client';
import { FileUploadProcessor } from './file-upload.processor';
import { StagedFileMover } from './staged-file.mover';
import { FilesController } from './files.controller';

@Module({
  imports: [WorkerUploadStatusModule, ErasureModule],
  controllers: [FilesController],
  providers: [fileBucketProvider, fileStorageS3Provider, FileStorage, StagedFileMover, FileUploadProcessor],
})
export class FilesModule {}
