import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { WorkerUploadStatusModule } from '../status/worker-upload-status.module';
import { FILE_BUCKET, FileStorage } from './file.storage';
import { fileStorageS3Provider } from './file-storage.s3-client';
import { FileUploadProcessor } from './file-upload.processor';
import { StagedFileMover } from './staged-file.mover';
import { FilesController } from './files.controller';

@Module({
  imports: [WorkerUploadStatusModule],
  controllers: [FilesController],
  providers: [
    {
      provide: FILE_BUCKET,
      inject: [ConfigService],
      useFactory: (config: ConfigService<WorkerEnvironment, true>) => config.get('S3_BUCKET', { infer: true }),
    },
    fileStorageS3Provider,
    FileStorage,
    StagedFileMover,
    FileUploadProcessor,
  ],
})
export class FilesModule {}
