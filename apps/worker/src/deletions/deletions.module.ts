import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { FILE_BUCKET } from '../files/file.storage';
import { WorkerUploadStatusModule } from '../status/worker-upload-status.module';
import { DeletionsController } from './deletions.controller';
import { UploadDeletionProcessor } from './upload-deletion.processor';

/** The `file.deletion-requested` handler: the file leaves the bucket, the status becomes `deleted`. */
@Module({
  imports: [WorkerUploadStatusModule],
  controllers: [DeletionsController],
  providers: [
    {
      provide: FILE_BUCKET,
      inject: [ConfigService],
      useFactory: (config: ConfigService<WorkerEnvironment, true>) => config.get('S3_BUCKET', { infer: true }),
    },
    UploadDeletionProcessor,
  ],
})
export class DeletionsModule {}
