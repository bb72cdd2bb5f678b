import { Module } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { UploadStatusModule } from '@lib/upload-status';
import type { WorkerEnvironment } from '../config/worker-environment.schema';

/** The `file-uploads` table (`UPLOADS_TABLE`), shared by the handlers and the dead letters. */
@Module({
  imports: [
    UploadStatusModule.forRootAsync({
      inject: [ConfigService],
      useFactory: (config: ConfigService<WorkerEnvironment, true>) => config.get('UPLOADS_TABLE', { infer: true }),
    }),
  ],
  exports: [UploadStatusModule],
})
export class WorkerUploadStatusModule {}
