import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UploadStatusModule } from '@lib/upload-status';
import type { WorkerEnvironment } from '../config/worker-environment.schema';
import { WORKER_STATUS_BATCHER_OPTIONS } from './worker-status-batcher.options';

/** The `file-uploads` table (`UPLOADS_TABLE`), shared by the handlers and the dead letters. */
@Module({
  imports: [
    UploadStatusModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<WorkerEnvironment, true>) => config.get('UPLOADS_TABLE', { infer: true }),
      batcher: WORKER_STATUS_BATCHER_OPTIONS,
    }),
  ],
  exports: [UploadStatusModule],
})
export class WorkerUploadStatusModule {}
